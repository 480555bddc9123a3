"""submit: who submitted a filing and when, its certification, and the filing a new Draft was copied from

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 08:00:00

- submittals.submitted_at, submitted_by_user_id: set when the filing goes from Draft to Submitted.
- submittals.certified_at: when the person submitting certified it. Who prepared and who signs (name, title,
  date) stay where Facility Information keeps them (owner_operator: document_preparer_name,
  identification_signer_name / _title, identification_signed_date): not copied here.
- submittals.parent_submittal_id: the submitted filing a later Draft was copied from (a change after submit).

Plain ADD COLUMNs (no table rebuild on SQLite, which would have to drop a table other tables point at); the
foreign keys are declared on PostgreSQL, where ALTER TABLE can add them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submittals') as batch:
        batch.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('submitted_by_user_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('certified_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('parent_submittal_id', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.create_foreign_key('fk_submittals_submitted_by_user_id', 'submittals', 'users',
                              ['submitted_by_user_id'], ['id'])
        op.create_foreign_key('fk_submittals_parent_submittal_id', 'submittals', 'submittals',
                              ['parent_submittal_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('fk_submittals_parent_submittal_id', 'submittals', type_='foreignkey')
        op.drop_constraint('fk_submittals_submitted_by_user_id', 'submittals', type_='foreignkey')
    with op.batch_alter_table('submittals') as batch:
        batch.drop_column('parent_submittal_id')
        batch.drop_column('certified_at')
        batch.drop_column('submitted_by_user_id')
        batch.drop_column('submitted_at')
