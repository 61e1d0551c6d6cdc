"""letters.notified_at: the consumer's notice is owed until it is queued

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:00:00.000000+00:00
"""

import sqlalchemy as sa
from alembic import op

import relief.core.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notified_at', relief.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
    # Letters issued before this revision were announced by the job that issued them.
    op.execute("UPDATE letters SET notified_at = issued_at WHERE status = 'issued'")


def downgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('notified_at')
