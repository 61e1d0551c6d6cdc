"""What the API takes and gives back. The request schemas validate every request and,
with the response schemas, generate the OpenAPI document: one source for both.

Limits come from ``relief.cases.limits`` and choices from ``relief.cases.models``, the
same constants the web forms use. Messages are translated when an error is raised.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from relief.cases.limits import (
    AMOUNT_MAX_KRW,
    BUSINESS_MAX,
    EVIDENCE_MAX_BYTES,
    MESSAGE_MAX_CHARS,
    PRODUCT_MAX,
    REASON_MAX_CHARS,
    TEXT_MAX_CHARS,
    TEXT_MIN_CHARS,
)
from relief.cases.models import CHANNELS, CHOICES, PAYMENT_METHODS, REGIONS, WISHES
from relief.cases.states import CaseState, StateType

# The Idempotency-Key a client sends with POST /cases: a UUID fits.
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,64}$"
PAGE_MAX = 10_000
PER_PAGE_MAX = 100
# Case and evidence ids in URLs: the range of the database's integer column.
ID_MAX = 2_147_483_647
TOKEN_NAME_MAX = 100
EMAIL_MAX = 254
PASSWORD_MAX = 1_024


# --- Fields whose messages are translated -------------------------------------------------

_COMMON_MESSAGES = {
    "required": _l("This field is required."),
    "null": _l("This field cannot be null."),
    "validator_failed": _l("This value is not valid."),
}


class _Translated:
    """Builds errors from lazy messages in the request's language."""

    error_messages: dict[str, Any]

    def make_error(self, key: str, **kwargs: Any) -> ValidationError:
        message = str(self.error_messages[key])
        return ValidationError(message.format(**kwargs) if kwargs else message)


class Text(_Translated, fields.String):
    """A string a database can store: no NUL characters, no lone surrogates."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        **_COMMON_MESSAGES,
        "invalid": _l("Enter text."),
        "invalid_utf8": _l("Enter text."),
        "unstorable": _l("Remove the control characters from this text."),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise self.make_error("unstorable") from exc
        if "\x00" in text:
            raise self.make_error("unstorable")
        return text


class WholeNumber(_Translated, fields.Integer):
    default_error_messages: ClassVar[dict[str, Any]] = {
        **_COMMON_MESSAGES,
        "invalid": _l("Enter a whole number."),
        "not_integer": _l("Enter a whole number."),
        "too_large": _l("This number is too large."),
    }


class Day(_Translated, fields.Date):
    default_error_messages: ClassVar[dict[str, Any]] = {
        **_COMMON_MESSAGES,
        "invalid": _l("Enter a date as YYYY-MM-DD."),
        "format": _l("Enter a date as YYYY-MM-DD."),
    }


class Upload(_Translated, fields.Field):
    """A file part of a multipart request (its content is checked by ``check_file``)."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        **_COMMON_MESSAGES,
        "invalid": _l("Attach one file."),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if not hasattr(value, "read") or not getattr(value, "filename", None):
            raise self.make_error("invalid")
        return value


def _length(low: int | None, high: int) -> validate.Length:
    if low:
        return validate.Length(min=low, max=high,
                               error=_l("Write between {min} and {max} characters."))
    return validate.Length(max=high, error=_l("Write at most {max} characters."))


def _one_of(choices: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices, error=_l("Choose one of: {choices}."))


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError(_("This field cannot be blank."))


class _Strict(Schema):
    """Unknown fields are errors (and ``additionalProperties: false`` in the document)."""

    class Meta:
        unknown = RAISE

    # Lazy: the API's error handler turns every message into text in the request's language.
    error_messages: ClassVar[dict[str, Any]] = {
        "unknown": _l("Unknown field."),
        "type": _l("Send a JSON object."),
    }


# --- Requests ------------------------------------------------------------------------------

class RouteRequest(_Strict):
    text = Text(required=True, validate=[_length(1, TEXT_MAX_CHARS), _not_blank],
                metadata={"description": "What happened, in the consumer's words (ko or en)."})
    amount_krw = WholeNumber(strict=True, allow_none=True,
                             validate=validate.Range(min=0, max=AMOUNT_MAX_KRW, error=_l(
                                 "Enter an amount between {min} and {max} won.")))
    region = Text(allow_none=True, validate=_one_of(REGIONS))
    channel = Text(allow_none=True, validate=_one_of(CHANNELS))
    business = Text(allow_none=True, validate=_length(None, BUSINESS_MAX),
                    metadata={"description": "The business's name as the consumer knows it."})


class FilingRequest(_Strict):
    text = Text(required=True, validate=_length(TEXT_MIN_CHARS, TEXT_MAX_CHARS),
                metadata={"description": "What happened. Personal data in it is masked "
                                         "before it is stored."})
    product = Text(allow_none=True, validate=_length(None, PRODUCT_MAX))
    business_name = Text(allow_none=True, validate=_length(None, BUSINESS_MAX))
    occurred_on = Day(allow_none=True)
    amount_krw = WholeNumber(strict=True, allow_none=True,
                             validate=validate.Range(min=0, max=AMOUNT_MAX_KRW, error=_l(
                                 "Enter an amount between {min} and {max} won.")))
    payment_method = Text(allow_none=True, validate=_one_of(PAYMENT_METHODS))
    channel = Text(allow_none=True, validate=_one_of(CHANNELS))
    region = Text(allow_none=True, validate=_one_of(REGIONS))
    wish = Text(allow_none=True, validate=_one_of(WISHES))
    choice = Text(load_default="confirmed", validate=_one_of(CHOICES), metadata={
        "description": "What the consumer did with the suggested body: confirmed it, chose "
                       "an alternative (chosen_agency), is not sure (a supervisor decides), "
                       "or files although it looks out of scope."})
    chosen_agency = Text(allow_none=True, validate=_length(None, 40),
                         metadata={"description": "Required when choice is alternative."})

    @validates_schema
    def _alternative_names_a_body(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("choice") == "alternative" and not data.get("chosen_agency"):
            raise ValidationError(_("Choose the body you want."), "chosen_agency")


class TokenRequest(_Strict):
    email = Text(required=True, validate=_length(1, EMAIL_MAX))
    password = Text(required=True, load_only=True, validate=_length(1, PASSWORD_MAX))
    name = Text(load_default="mobile app", validate=_length(1, TOKEN_NAME_MAX),
                metadata={"description": "Which device holds the token, for the owner's "
                                         "own reference."})


class MessageRequest(_Strict):
    body = Text(required=True, validate=[_length(1, MESSAGE_MAX_CHARS), _not_blank])


class WithdrawRequest(_Strict):
    reason = Text(allow_none=True, validate=_length(None, REASON_MAX_CHARS))


class CaseListQuery(Schema):
    class Meta:
        unknown = EXCLUDE  # a cache-busting query parameter is no error

    page = WholeNumber(load_default=1, validate=validate.Range(
        min=1, max=PAGE_MAX, error=_l("Enter a number between {min} and {max}.")))
    per_page = WholeNumber(load_default=20, validate=validate.Range(
        min=1, max=PER_PAGE_MAX, error=_l("Enter a number between {min} and {max}.")))


class IdempotencyHeaders(Schema):
    class Meta:
        unknown = EXCLUDE

    key = Text(required=True, data_key="Idempotency-Key", validate=validate.Regexp(
        IDEMPOTENCY_KEY_PATTERN, error=_l("Send 8 to 64 letters, digits or . _ : - "
                                          "(a UUID fits).")),
        metadata={"description": "Chosen by the client, the same on every retry of one "
                                 "filing: a retried request answers the case it created."})


class EvidenceUpload(_Strict):
    file = Upload(required=True, metadata={
        "description": f"One JPG, PNG, PDF or HWP/HWPX file of at most "
                       f"{EVIDENCE_MAX_BYTES // (1024 * 1024)} MB; its type is checked by "
                       "content."})


# --- Responses -----------------------------------------------------------------------------

class ErrorBody(Schema):
    type = fields.String(required=True, metadata={"description": "A stable code."})
    message = fields.String(required=True, metadata={"description": "For people, in the "
                                                                    "request's language."})
    field_messages = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                                 required=True, data_key="fields", metadata={
                                     "description": "Messages per field; {} when no field "
                                                    "is to blame."})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


class AgencyRef(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "In the request's language."})


class ReferralSchema(AgencyRef):
    hotline = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class RankingEntry(Schema):
    agency = fields.Nested(AgencyRef, required=True)
    score = fields.Float(required=True, validate=validate.Range(min=0, max=1))
    takes_cases = fields.Boolean(required=True, metadata={
        "description": "False for referral-only bodies, which are named but open no case."})


class RoutingEvidence(Schema):
    agency = fields.String(required=True)
    kind = fields.String(required=True, metadata={
        "description": "term, fuzzy, rule, model or fact"})
    text = fields.String(allow_none=True)
    start = fields.Integer(allow_none=True)
    end = fields.Integer(allow_none=True)
    category = fields.String(allow_none=True)
    rule = fields.String(allow_none=True)
    reason = fields.String(allow_none=True, metadata={
        "description": "Why a precedence rule applies, in the request's language."})
    weight = fields.Float(allow_none=True)


class RouteVerdict(Schema):
    ranking = fields.List(fields.Nested(RankingEntry), required=True)
    evidence = fields.List(fields.Nested(RoutingEvidence), required=True)
    confidence = fields.Float(required=True)
    verdict = fields.String(required=True, metadata={
        "description": "ok, too_short, unreadable, out_of_scope or router_unavailable"})
    out_of_scope = fields.Boolean(required=True)
    referral = fields.Nested(ReferralSchema, allow_none=True, required=True)
    needs_triage = fields.Boolean(required=True, metadata={
        "description": "The router is unsure: a filed case would go to a supervisor."})
    multiple_matters = fields.Boolean(required=True)
    second_matter = fields.Nested(AgencyRef, allow_none=True, required=True)
    personal_data = fields.List(fields.String(), required=True, metadata={
        "description": "Kinds of personal data found in the text; they are masked if filed."})


class TokenIssued(Schema):
    token = fields.String(required=True, metadata={
        "description": "The secret: shown once, send it as `Authorization: Bearer ...`."})
    token_type = fields.String(required=True)
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class EvidenceSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    size = fields.Integer(required=True)
    content_type = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class FactsSchema(Schema):
    product = fields.String(allow_none=True, required=True)
    business_name = fields.String(allow_none=True, required=True)
    occurred_on = fields.Date(allow_none=True, required=True)
    amount_krw = fields.Integer(allow_none=True, required=True)
    payment_method = fields.String(allow_none=True, required=True)
    channel = fields.String(allow_none=True, required=True)
    region = fields.String(allow_none=True, required=True)
    wish = fields.String(allow_none=True, required=True)


class CaseSummary(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True, metadata={
        "description": "R2026-0000123; not a secret and not enough to read the case."})
    state = fields.String(required=True, validate=validate.OneOf([s.value for s in CaseState]))
    state_label = fields.String(required=True)
    state_type = fields.String(required=True,
                               validate=validate.OneOf([t.value for t in StateType]))
    agency = fields.Nested(AgencyRef, allow_none=True, required=True, metadata={
        "description": "Null while a supervisor decides which body takes the case."})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    deadline = fields.DateTime(allow_none=True, required=True, metadata={
        "description": "The body's statutory deadline, once it has accepted the case."})


class CaseSchema(CaseSummary):
    closed_at = fields.DateTime(allow_none=True, required=True)
    text = fields.String(required=True, metadata={"description": "As stored: masked."})
    facts = fields.Nested(FactsSchema, required=True)
    choice = fields.String(required=True)
    masked_kinds = fields.List(fields.String(), required=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), required=True)
    can_withdraw = fields.Boolean(required=True)


class CasePage(Schema):
    items = fields.List(fields.Nested(CaseSummary), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class EventSchema(Schema):
    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    kind = fields.String(required=True, metadata={
        "description": "filed, transition, message, evidence or note"})
    author = fields.String(required=True, validate=validate.OneOf(["consumer", "staff",
                                                                    "system"]))
    from_state = fields.String(allow_none=True, required=True)
    to_state = fields.String(allow_none=True, required=True)
    state_label = fields.String(allow_none=True, required=True)
    agency = fields.Nested(AgencyRef, allow_none=True, required=True)
    text = fields.String(allow_none=True, required=True, metadata={
        "description": "A message, or the reason given for a change."})
    file_name = fields.String(allow_none=True, required=True)


class EventList(Schema):
    items = fields.List(fields.Nested(EventSchema), required=True)
