"""Import every model module so ``Base.metadata`` is complete (Alembic, tests)."""

from relief.accounts.models import User
from relief.api.models import ApiToken
from relief.audit.models import AuditEvent
from relief.cases.models import Case, CaseEvent, Evidence, RoutingFeedback
from relief.core.db import Base
from relief.letters.models import Letter
from relief.registry.models import Agency, AgencyChange
from relief.stats.models import CollectiveGroup, MassDamageAlert

__all__ = ["Agency", "AgencyChange", "ApiToken", "AuditEvent", "Base", "Case", "CaseEvent",
           "CollectiveGroup", "Evidence", "Letter", "MassDamageAlert", "RoutingFeedback", "User"]
