"""Mail to the consumer about changes they should know of; sent after the commit."""

from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from relief.cases.messages import state_label
from relief.cases.models import Case, CaseEvent
from relief.core.mail import queue_mail

# Internal moves (assignment, notes) are not news to the consumer.
_NEWS_KINDS = {"transition", "message", "business_reply", "extension"}


def notify_consumer(case: Case, event: CaseEvent) -> None:
    if not event.visible_to_consumer or event.kind not in _NEWS_KINDS:
        return
    if event.kind == "message" and event.data.get("from") == "consumer":
        return
    with force_locale(case.lang if case.lang in ("ko", "en") else "ko"):
        if event.kind == "transition":
            what = _("The status of your complaint is now: %(state)s.",
                     state=state_label(event.to_state or ""))
        elif event.kind == "message":
            what = _("The officer wrote to you.")
        elif event.kind == "business_reply":
            what = _("The business has replied; the officer recorded its answer.")
        else:
            what = _("The deadline for your complaint was extended.")
        if event.reason and event.kind != "business_reply":
            what += "\n\n" + event.reason
        link = url_for("cases.detail", case_id=case.id, _external=True)
        queue_mail(case.consumer.email,
                   _("Update on your complaint %(number)s", number=case.number),
                   _("Hello %(name)s,\n\n%(what)s\n\nSee the details (log in first):\n%(link)s",
                     name=case.consumer.display_name, what=what, link=link))
