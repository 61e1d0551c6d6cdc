"""The words for each case rule broken, in the user's language."""

from __future__ import annotations

from flask_babel import gettext as _

from relief.cases.evidence import EvidenceError
from relief.cases.limits import EVIDENCE_MAX_FILES, TEXT_MAX_CHARS, TEXT_MIN_CHARS


def case_error_message(code: str) -> str:
    messages = {
        "text_too_short": _("Tell us a little more: at least %(n)d characters.",
                            n=TEXT_MIN_CHARS),
        "text_too_long": _("Keep it under %(n)d characters; attach long documents as files.",
                           n=TEXT_MAX_CHARS),
        "too_many_files": _("At most %(n)d files per complaint.", n=EVIDENCE_MAX_FILES),
        "agency_invalid": _("That body cannot take complaints. Choose another or say you "
                            "are not sure."),
        "not_allowed": _("You cannot do that with this complaint."),
        "stale": _("This complaint changed while you were looking at it. Here is what "
                   "changed; please check and try again."),
        "transition_not_allowed": _("That step is not possible in the complaint's current "
                                    "state."),
        "submission_key_reused": _("This form was already used. Start a new complaint."),
        "assignee_invalid": _("Assign the case to an officer of its body."),
        "outcome_invalid": _("Choose an outcome."),
        "amount_required": _("Enter the amount the consumer received, in won."),
        "reason_required": _("Give a reason."),
        "rating_invalid": _("Choose a rating from 1 to 5."),
        "extension_invalid": _("An extension needs a number of days (1-365) and a reason, "
                               "on an accepted case."),
    }
    return messages.get(code, messages["not_allowed"])


def evidence_error_message(err: EvidenceError) -> str:
    if err.code == "too_large":
        return _("%(name)s is larger than 10 MB.", name=err.name)
    if err.code == "empty":
        return _("%(name)s is empty.", name=err.name)
    if err.code == "storage_failed":
        return _("We could not store %(name)s right now. Your complaint was not filed and "
                 "nothing you typed is lost; please try again in a moment.", name=err.name)
    return _("%(name)s is not a JPG, PNG, PDF or HWP file.", name=err.name)


def state_label(state: str) -> str:
    """A case state in plain words for the consumer and the officer."""
    labels = {
        "submitted": _("Received, waiting for a body to be assigned"),
        "routed": _("With the body, waiting to be accepted"),
        "accepted": _("Accepted by the body"),
        "in_progress": _("Being handled"),
        "awaiting_consumer": _("Waiting for your answer"),
        "mediation": _("In mediation"),
        "resolved": _("Resolved"),
        "not_resolved": _("Not resolved"),
        "withdrawn": _("Withdrawn"),
        "rejected": _("Not taken by this body"),
        "letter_issued": _("Resolution letter issued"),
        "closed": _("Closed"),
        "transferred": _("Transferred to another body"),
    }
    return labels.get(state, state)


def privacy_label(kind: str) -> str:
    labels = {
        "rrn": _("resident registration number"), "card": _("card number"),
        "account": _("bank account number"), "phone": _("phone number"),
        "email": _("e-mail address"),
    }
    return labels.get(kind, kind)


def outcome_label(outcome: str) -> str:
    labels = {
        "refunded": _("Refunded"), "exchanged": _("Exchanged"), "repaired": _("Repaired"),
        "compensated": _("Compensated"), "settlement_recommended": _("Settlement recommended"),
        "not_settled": _("Not settled"), "withdrawn": _("Withdrawn"),
        "rejected": _("Outside the body's remit"),
    }
    return labels.get(outcome, outcome)
