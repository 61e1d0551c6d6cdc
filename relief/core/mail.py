"""One outbox for all mail: SMTP when configured, otherwise files in ``instance/outbox/``."""

from __future__ import annotations

import secrets
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path

from flask import current_app

from relief.core.config import Config


def queue_mail(to: str, subject: str, body: str) -> None:
    """Send a message through the job queue. Call it after the transaction commits."""
    from relief.tasks import enqueue, send_mail_task

    enqueue(send_mail_task, to, subject, body)


def send_mail(to: str, subject: str, body: str, *, config: Config | None = None) -> None:
    """Send (or file) one plain-text message now; jobs call this, views call queue_mail."""
    cfg = config or current_app.config["RELIEF"]
    msg = EmailMessage()
    msg["From"] = cfg.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg.set_content(body)
    if cfg.smtp_host:
        with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=30) as smtp:
            if cfg.smtp_starttls:
                smtp.starttls()
            if cfg.smtp_user:
                smtp.login(cfg.smtp_user, cfg.smtp_password or "")
            smtp.send_message(msg)
        return
    cfg.outbox_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = cfg.outbox_dir / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(msg))


@dataclass(frozen=True)
class OutboxMessage:
    name: str
    to: str
    subject: str
    date: str
    body: str


def read_outbox(outbox: Path, limit: int = 50) -> list[OutboxMessage]:
    """Newest first; used by the development-only outbox page and by tests."""
    if not outbox.exists():
        return []
    messages = []
    for path in sorted(outbox.glob("*.eml"), reverse=True)[:limit]:
        parsed = BytesParser(policy=default_policy).parsebytes(path.read_bytes())
        body = parsed.get_body(preferencelist=("plain",))
        messages.append(
            OutboxMessage(
                name=path.stem,
                to=str(parsed["To"]),
                subject=str(parsed["Subject"]),
                date=str(parsed["Date"]),
                body=body.get_content() if body else "",
            )
        )
    return messages
