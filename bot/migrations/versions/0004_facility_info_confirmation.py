"""facility information: confirmation of the two summaries, EPA ID "not yet", prefill and
"same as the business" answers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:00:00

- business_activities.confirmed_at, owner_operator.confirmed_at: when the filer said "Looks right" to the
  summary (NULL = not confirmed; cleared when a later change leaves the page incomplete or is made without
  keeping the confirmation, see bot.facility_info.service);
- business_activities.epa_id_skipped: the filer has no EPA ID number yet (CERS only warns), so it is not
  asked again;
- owner_operator.prefilled_at: when the page was first pre-filled from the account and the facility (the
  pre-fill runs once, so a value the filer removed is not put back);
- owner_operator.same_as_business: the answers to "Is the owner's address the same as the business
  address?" per group ({"owner": true, "billing": false}), so a resumed conversation does not ask again.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('business_activities') as batch:
        batch.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('epa_id_skipped', sa.Boolean(), nullable=True))
    with op.batch_alter_table('owner_operator') as batch:
        batch.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('prefilled_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('same_as_business', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('owner_operator') as batch:
        batch.drop_column('same_as_business')
        batch.drop_column('prefilled_at')
        batch.drop_column('confirmed_at')
    with op.batch_alter_table('business_activities') as batch:
        batch.drop_column('epa_id_skipped')
        batch.drop_column('confirmed_at')
