"""cupas and the inspector's review

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 08:30:00

- cupas: the Certified Unified Program Agencies (name, county, cities when a city runs its own CUPA, public phone
  and email, whether that contact is a placeholder, the annual filing date month/day, default March 1). Rows come
  from bot/review/cupas_california.json through `python -m bot.manage assign-cupas` (run by the set-up step), which
  also gives every facility without a CUPA the one of its city or county: data, not schema, so not done here.
- facilities.cupa_id: the CUPA whose inspectors review the facility's filings and decide its escalated access
  requests. users.cupa_id: an inspector's CUPA.
- review_decisions: per filing and element, Accepted / Not Accepted with pick-list reason codes, a note, who, when.
- submittals.reviewed_at, reviewed_by_user_id: when and by whom the filing became Accepted / Not Accepted;
  submittals.due_date: a Not Accepted filing's corrections are due by then (30 days).

Plain ADD COLUMNs as in 0008 (no table rebuild on SQLite); the foreign keys of the new columns are declared on
PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'cupas',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('key', sa.String(60), nullable=False, unique=True),
        sa.Column('name', sa.String(140), nullable=False),
        sa.Column('county', sa.String(40), nullable=True),
        sa.Column('cities', sa.JSON(), nullable=True),
        sa.Column('phone', sa.String(25), nullable=True),
        sa.Column('email', sa.String(254), nullable=True),
        sa.Column('contact_is_placeholder', sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column('annual_due_month', sa.Integer(), nullable=False, server_default='3'),
        sa.Column('annual_due_day', sa.Integer(), nullable=False, server_default='1'),
    )
    with op.batch_alter_table('facilities') as batch:
        batch.add_column(sa.Column('cupa_id', sa.Integer(), nullable=True))
    op.create_index('ix_facilities_cupa_id', 'facilities', ['cupa_id'])
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('cupa_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('submittals') as batch:
        batch.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('reviewed_by_user_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('due_date', sa.Date(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.create_foreign_key('fk_facilities_cupa_id', 'facilities', 'cupas', ['cupa_id'], ['id'])
        op.create_foreign_key('fk_users_cupa_id', 'users', 'cupas', ['cupa_id'], ['id'])
        op.create_foreign_key('fk_submittals_reviewed_by_user_id', 'submittals', 'users',
                              ['reviewed_by_user_id'], ['id'])
    op.create_table(
        'review_decisions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('submittal_id', sa.Integer(), sa.ForeignKey('submittals.id', ondelete='CASCADE'), nullable=False),
        sa.Column('element', sa.String(32), nullable=False),
        sa.Column('decision', sa.String(16), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('reviewer_user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('submittal_id', 'element', name='uq_review_decisions_element'),
    )
    op.create_index('ix_review_decisions_submittal_id', 'review_decisions', ['submittal_id'])


def downgrade() -> None:
    op.drop_index('ix_review_decisions_submittal_id', table_name='review_decisions')
    op.drop_table('review_decisions')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('fk_submittals_reviewed_by_user_id', 'submittals', type_='foreignkey')
        op.drop_constraint('fk_users_cupa_id', 'users', type_='foreignkey')
        op.drop_constraint('fk_facilities_cupa_id', 'facilities', type_='foreignkey')
    with op.batch_alter_table('submittals') as batch:
        batch.drop_column('due_date')
        batch.drop_column('reviewed_by_user_id')
        batch.drop_column('reviewed_at')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('cupa_id')
    op.drop_index('ix_facilities_cupa_id', table_name='facilities')
    with op.batch_alter_table('facilities') as batch:
        batch.drop_column('cupa_id')
    op.drop_table('cupas')
