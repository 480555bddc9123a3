"""reminders sent

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 08:50:00

- reminders_sent: one row per reminder the deadlines command sent (facility, kind, the due date it is about, the
  stage: how far ahead). The unique key is what makes the command safe to run from cron as often as you like:
  each reminder is sent once, also when two runs overlap.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reminders_sent',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('facility_id', sa.Integer(), sa.ForeignKey('facilities.id', ondelete='CASCADE'), nullable=False,
                  index=True),
        sa.Column('kind', sa.String(32), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('stage', sa.String(16), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('facility_id', 'kind', 'due_on', 'stage', name='uq_reminders_sent_once'),
    )


def downgrade() -> None:
    op.drop_table('reminders_sent')
