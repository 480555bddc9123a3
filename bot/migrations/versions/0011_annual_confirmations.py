"""annual confirmations

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 08:55:00

- submittals.confirmed_elements: on a Draft started from the last Accepted filing (next year's filing), which
  elements the filer has confirmed or changed this year, `{element: {"by": user_id, "at": ISO time}}`. The
  pre-submit check blocks such a Draft until every element is confirmed, also when nothing changed.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submittals') as batch:
        batch.add_column(sa.Column('confirmed_elements', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('submittals') as batch:
        batch.drop_column('confirmed_elements')
