"""The filing form and the consumer's follow-up forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from relief.cases.limits import (
    AMOUNT_MAX_KRW,
    BUSINESS_MAX,
    MESSAGE_MAX_CHARS,
    PRODUCT_MAX,
    REASON_MAX_CHARS,
    TEXT_MAX_CHARS,
    TEXT_MIN_CHARS,
)

CHANNEL_LABELS = {
    "online": _l("Online (website or app)"), "shop": _l("In a shop"),
    "door_to_door": _l("Door-to-door or at an event"), "phone": _l("By phone"),
    "abroad": _l("From abroad (overseas seller)"), "other": _l("Other"),
}
WISH_LABELS = {
    "refund": _l("Refund"), "exchange": _l("Exchange"), "repair": _l("Repair"),
    "compensation": _l("Compensation"), "cancellation": _l("Cancel the contract"),
    "other": _l("Other"),
}
PAYMENT_LABELS = {
    "card": _l("Credit or debit card"), "transfer": _l("Bank transfer"), "cash": _l("Cash"),
    "mobile": _l("Mobile payment or phone bill"), "other": _l("Other"),
}
REGION_LABELS = {
    "seoul": _l("Seoul"), "busan": _l("Busan"), "daegu": _l("Daegu"),
    "incheon": _l("Incheon"), "gwangju": _l("Gwangju"), "daejeon": _l("Daejeon"),
    "ulsan": _l("Ulsan"), "sejong": _l("Sejong"), "gyeonggi": _l("Gyeonggi"),
    "gangwon": _l("Gangwon"), "chungbuk": _l("North Chungcheong"),
    "chungnam": _l("South Chungcheong"), "jeonbuk": _l("North Jeolla"),
    "jeonnam": _l("South Jeolla"), "gyeongbuk": _l("North Gyeongsang"),
    "gyeongnam": _l("South Gyeongsang"), "jeju": _l("Jeju"), "abroad": _l("Abroad"),
}


def _choices(labels: dict[str, object]) -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose…"))] + [SelectChoice(k, v) for k, v in labels.items()]


class FilingForm(FlaskForm):
    text = TextAreaField(_l("What happened?"), validators=[
        DataRequired(_l("Tell us what happened.")),
        Length(min=TEXT_MIN_CHARS, max=TEXT_MAX_CHARS,
               message=_l("Write between %(min)d and %(max)d characters."))])
    product = StringField(_l("Product or service"), validators=[
        Optional(), Length(max=PRODUCT_MAX)])
    business_name = StringField(_l("Business (the name you know)"), validators=[
        Optional(), Length(max=BUSINESS_MAX)])
    occurred_on = DateField(_l("When did it happen?"), validators=[Optional()])
    amount_krw = IntegerField(_l("Amount paid (won)"), validators=[
        Optional(), NumberRange(min=0, max=AMOUNT_MAX_KRW,
                                message=_l("Enter an amount in won, digits only."))])
    payment_method = SelectField(_l("How you paid"), choices=_choices(PAYMENT_LABELS),
                                 validators=[Optional()])
    channel = SelectField(_l("Where you bought it"), choices=_choices(CHANNEL_LABELS),
                          validators=[Optional()])
    region = SelectField(_l("Your region"), choices=_choices(REGION_LABELS),
                         validators=[Optional()])
    wish = SelectField(_l("What you want"), choices=_choices(WISH_LABELS),
                       validators=[Optional()])
    files = MultipleFileField(_l("Evidence (receipts, photos, contracts)"))
    choice = HiddenField(default="")
    chosen_agency = HiddenField(default="")
    submission_key = HiddenField()
    keep_files = HiddenField(default="")


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[
        DataRequired(_l("Write a message.")), Length(max=MESSAGE_MAX_CHARS)])


class EvidenceForm(FlaskForm):
    files = MultipleFileField(_l("Add evidence"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why are you withdrawing? (optional)"), validators=[
        Optional(), Length(max=REASON_MAX_CHARS)])


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why should the case be reopened?"), validators=[
        DataRequired(_l("Say why you want the case reopened.")),
        Length(max=REASON_MAX_CHARS)])


class FeedbackForm(FlaskForm):
    rating = SelectField(_l("How satisfied are you with how your case was handled?"),
                         choices=[SelectChoice("5", _l("Very satisfied")),
                                  SelectChoice("4", _l("Satisfied")),
                                  SelectChoice("3", _l("Neither")),
                                  SelectChoice("2", _l("Dissatisfied")),
                                  SelectChoice("1", _l("Very dissatisfied"))])
    comment = TextAreaField(_l("Anything you want to tell us (optional)"), validators=[
        Optional(), Length(max=REASON_MAX_CHARS)])
