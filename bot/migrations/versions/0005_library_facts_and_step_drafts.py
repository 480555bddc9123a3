"""chemical library facts (density, EHS qualifiers and sources, synonym sources), step drafts kept in the
database, and the filer's "the inventory is complete"

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 04:00:00

- chemicals.density_g_ml: liquid density at about 20 C (g/mL) to turn gallons of an EHS into pounds;
- chemicals.ehs_min_percent / ehs_qualifier / ehs_source / tpq_alt_lb: a listing limited by concentration or
  form (hydrogen peroxide only above 52%), where the listing comes from, and the second TPQ of solids listed
  as "500/10,000" (the higher one applies unless the solid is a fine powder, molten, or in solution);
- chemicals.uses: what it is usually used for, in a few words (shown beside a "did you mean" choice);
- chemical_synonyms.source: where a name comes from (chedl | curated | ehs-list | alias:<reference>), so a
  trade or slang name can be traced;
- step_drafts: what a step engine has open for a filer at a facility (the material being entered, a
  half-answered question), so a pause, a new browser or a restarted server resumes it;
- submittals.inventory_complete_at: when the filer said the inventory is complete (cleared by a later change).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('chemicals') as batch:
        batch.add_column(sa.Column('density_g_ml', sa.Float(), nullable=True))
        batch.add_column(sa.Column('ehs_min_percent', sa.Float(), nullable=True))
        batch.add_column(sa.Column('ehs_qualifier', sa.String(200), nullable=True))
        batch.add_column(sa.Column('ehs_source', sa.String(200), nullable=True))
        batch.add_column(sa.Column('tpq_alt_lb', sa.Float(), nullable=True))
        batch.add_column(sa.Column('uses', sa.String(200), nullable=True))
    with op.batch_alter_table('chemical_synonyms') as batch:
        batch.add_column(sa.Column('source', sa.String(64), nullable=True))
    with op.batch_alter_table('submittals') as batch:
        batch.add_column(sa.Column('inventory_complete_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'step_drafts',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('facility_id', sa.Integer(), sa.ForeignKey('facilities.id', ondelete='CASCADE'), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('step', sa.String(32), nullable=False),
        sa.Column('state', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('facility_id', 'user_id', 'step', name='uq_step_drafts_owner_step'),
    )


def downgrade() -> None:
    op.drop_table('step_drafts')
    with op.batch_alter_table('submittals') as batch:
        batch.drop_column('inventory_complete_at')
    with op.batch_alter_table('chemical_synonyms') as batch:
        batch.drop_column('source')
    with op.batch_alter_table('chemicals') as batch:
        batch.drop_column('uses')
        batch.drop_column('tpq_alt_lb')
        batch.drop_column('ehs_source')
        batch.drop_column('ehs_qualifier')
        batch.drop_column('ehs_min_percent')
        batch.drop_column('density_g_ml')
