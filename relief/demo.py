"""Demo accounts for the embedded default, with passwords generated once per instance."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable

from relief.accounts import workflow
from relief.accounts.models import Role, User
from relief.core.config import Config
from relief.core.db import db, utcnow
from relief.registry.sync import sync_registry

DEMO_STAFF = [
    ("admin@relief.demo", "관리자 (Admin)", Role.ADMIN, None),
    ("supervisor@relief.demo", "총괄 감독관 (Supervisor)", Role.SUPERVISOR, None),
    ("officer.kca@relief.demo", "한국소비자원 담당관", Role.OFFICER, "kca"),
    ("officer.telecom@relief.demo", "통신분쟁조정 담당관", Role.OFFICER, "kcc-tdmc"),
    ("officer.finance@relief.demo", "금융분쟁조정 담당관", Role.OFFICER, "fss-fdmc"),
    ("officer.content@relief.demo", "콘텐츠분쟁조정 담당관", Role.OFFICER, "kcdrc"),
]
DEMO_CONSUMERS = [
    ("minji@relief.demo", "김민지"),
    ("alex@relief.demo", "Alex Morgan"),
]


def _passwords(cfg: Config) -> dict[str, str]:
    path = cfg.instance_path / "demo-accounts.json"
    if path.exists():
        return json.loads(path.read_text())
    emails = [e for e, *_ in DEMO_STAFF] + [e for e, _ in DEMO_CONSUMERS]
    # Random but readable, and always mixing letters with digits.
    passwords = {e: f"demo-{secrets.token_hex(4)}-{secrets.randbelow(90) + 10}" for e in emails}
    path.write_text(json.dumps(passwords, indent=2))
    path.chmod(0o600)
    return passwords


def load_demo(cfg: Config) -> None:
    passwords = _passwords(cfg)
    with db.transaction() as session:
        sync_registry(session, commit=True, reason="demo set-up")
    with db.transaction() as session:
        for email, name, role, agency in DEMO_STAFF:
            if workflow.find_user(session, email) is None:
                workflow.create_staff(session, actor=None, email=email, display_name=name,
                                      role=role, password=passwords[email], agency_id=agency)
        for email, name in DEMO_CONSUMERS:
            if workflow.find_user(session, email) is None:
                user = workflow.sign_up(session, email=email, password=passwords[email],
                                        display_name=name,
                                        locale="en" if email.startswith("alex") else "ko")
                user.email_confirmed_at = utcnow()


def print_demo_accounts(cfg: Config, echo: Callable[[str], None]) -> None:
    passwords = _passwords(cfg)
    echo("")
    echo("Demo accounts (embedded mode only):")
    with db.transaction() as session:
        for email, password in passwords.items():
            user = workflow.find_user(session, email)
            if isinstance(user, User):
                where = f" of {user.agency_id}" if user.agency_id else ""
                echo(f"  {user.role:<10} {email:<30} {password}{where}")
    echo("")
