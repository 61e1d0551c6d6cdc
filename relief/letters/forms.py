"""The officer's letter form: what the letter says beyond what the case already holds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from relief.letters.content import (
    ACTION_MAX,
    FACTS_MAX,
    REASON_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    Draft,
)


class LetterForm(FlaskForm):
    summary = TextAreaField(_l("Summary of the complaint"),
                            validators=[DataRequired(), Length(max=SUMMARY_MAX)])
    facts = TextAreaField(_l("Facts established by the investigation"),
                          validators=[Optional(), Length(max=FACTS_MAX)])
    business_action = TextAreaField(_l("What the business must do"),
                                    validators=[Optional(), Length(max=ACTION_MAX)])
    action_due = DateField(_l("By when"), validators=[Optional()])
    officer_title = StringField(_l("Your title as printed on the letter"),
                                validators=[Optional(), Length(max=TITLE_MAX)])
    reason = TextAreaField(_l("Reason for the correction"),
                           validators=[Optional(), Length(max=REASON_MAX)])

    def fill(self, draft: Draft) -> None:
        self.summary.data = draft.summary
        self.facts.data = draft.facts
        self.business_action.data = draft.business_action
        self.action_due.data = draft.action_due
        self.officer_title.data = draft.officer_title

    def draft(self) -> Draft:
        return Draft(summary=(self.summary.data or "").strip(),
                     facts=(self.facts.data or "").strip(),
                     business_action=(self.business_action.data or "").strip(),
                     action_due=self.action_due.data,
                     officer_title=(self.officer_title.data or "").strip())
