"""inventory submittals and chemical library

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:21:00.613224
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('chemicals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('cas', sa.String(length=15), nullable=True),
    sa.Column('formula', sa.String(length=100), nullable=True),
    sa.Column('physical_state', sa.String(length=1), nullable=True),
    sa.Column('ehs', sa.Boolean(), nullable=False),
    sa.Column('tpq_lb', sa.Float(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('threshold_rule', sa.String(length=16), nullable=True),
    sa.Column('fire_classes', sa.JSON(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('chemicals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chemicals_cas'), ['cas'], unique=False)

    op.create_table('chemical_components',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chemical_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('cas', sa.String(length=15), nullable=True),
    sa.Column('percent', sa.Float(), nullable=True),
    sa.Column('ehs', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['chemical_id'], ['chemicals.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chemical_components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chemical_components_chemical_id'), ['chemical_id'], unique=False)

    op.create_table('chemical_synonyms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chemical_id', sa.Integer(), nullable=False),
    sa.Column('synonym', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['chemical_id'], ['chemicals.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chemical_synonyms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chemical_synonyms_chemical_id'), ['chemical_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chemical_synonyms_synonym'), ['synonym'], unique=False)

    op.create_table('submittals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('submittals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submittals_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index('uq_submittals_one_draft', ['facility_id'], unique=True, sqlite_where=sa.text("status = 'Draft'"), postgresql_where=sa.text("status = 'Draft'"))

    op.create_table('inventory_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submittal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('chemical_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=140), nullable=True),
    sa.Column('location_confidential', sa.Boolean(), nullable=True),
    sa.Column('map_number', sa.String(length=15), nullable=True),
    sa.Column('grid_number', sa.String(length=15), nullable=True),
    sa.Column('chemical_name', sa.String(length=500), nullable=True),
    sa.Column('trade_secret', sa.Boolean(), nullable=True),
    sa.Column('common_name', sa.String(length=500), nullable=False),
    sa.Column('ehs', sa.Boolean(), nullable=False),
    sa.Column('cas_number', sa.String(length=15), nullable=True),
    sa.Column('fire_class_1', sa.Integer(), nullable=True),
    sa.Column('fire_class_2', sa.Integer(), nullable=True),
    sa.Column('fire_class_3', sa.Integer(), nullable=True),
    sa.Column('fire_class_4', sa.Integer(), nullable=True),
    sa.Column('fire_class_5', sa.Integer(), nullable=True),
    sa.Column('fire_class_6', sa.Integer(), nullable=True),
    sa.Column('fire_class_7', sa.Integer(), nullable=True),
    sa.Column('fire_class_8', sa.Integer(), nullable=True),
    sa.Column('hm_type', sa.String(length=1), nullable=True),
    sa.Column('radioactive', sa.Boolean(), nullable=True),
    sa.Column('curies', sa.Float(), nullable=True),
    sa.Column('physical_state', sa.String(length=1), nullable=False),
    sa.Column('largest_container', sa.Float(), nullable=True),
    sa.Column('fhc_fire', sa.Boolean(), nullable=True),
    sa.Column('fhc_reactive', sa.Boolean(), nullable=True),
    sa.Column('fhc_pressure_release', sa.Boolean(), nullable=True),
    sa.Column('fhc_acute_health', sa.Boolean(), nullable=True),
    sa.Column('fhc_chronic_health', sa.Boolean(), nullable=True),
    sa.Column('ghs_hazards', sa.JSON(), nullable=True),
    sa.Column('average_daily_amount', sa.Float(), nullable=True),
    sa.Column('maximum_daily_amount', sa.Float(), nullable=False),
    sa.Column('annual_waste_amount', sa.Float(), nullable=True),
    sa.Column('state_waste_code', sa.String(length=3), nullable=True),
    sa.Column('units', sa.String(length=1), nullable=False),
    sa.Column('days_on_site', sa.Integer(), nullable=True),
    sa.Column('sc_above_ground_tank', sa.Boolean(), nullable=False),
    sa.Column('sc_under_ground_tank', sa.Boolean(), nullable=False),
    sa.Column('sc_tank_inside_building', sa.Boolean(), nullable=False),
    sa.Column('sc_steel_drum', sa.Boolean(), nullable=False),
    sa.Column('sc_plastic_drum', sa.Boolean(), nullable=False),
    sa.Column('sc_can', sa.Boolean(), nullable=False),
    sa.Column('sc_carboy', sa.Boolean(), nullable=False),
    sa.Column('sc_silo', sa.Boolean(), nullable=False),
    sa.Column('sc_fiber_drum', sa.Boolean(), nullable=False),
    sa.Column('sc_bag', sa.Boolean(), nullable=False),
    sa.Column('sc_box', sa.Boolean(), nullable=False),
    sa.Column('sc_cylinder', sa.Boolean(), nullable=False),
    sa.Column('sc_glass_bottle', sa.Boolean(), nullable=False),
    sa.Column('sc_plastic_bottle', sa.Boolean(), nullable=False),
    sa.Column('sc_tote_bin', sa.Boolean(), nullable=False),
    sa.Column('sc_tank_wagon', sa.Boolean(), nullable=False),
    sa.Column('sc_rail_car', sa.Boolean(), nullable=False),
    sa.Column('sc_other', sa.Boolean(), nullable=False),
    sa.Column('other_container', sa.String(length=30), nullable=True),
    sa.Column('pressure', sa.String(length=1), nullable=True),
    sa.Column('temperature', sa.String(length=1), nullable=True),
    sa.Column('comments', sa.String(length=1000), nullable=True),
    sa.Column('additional_components', sa.String(length=2000), nullable=True),
    sa.Column('ccl_id', sa.String(length=50), nullable=True),
    sa.Column('epa_srs_number', sa.String(length=50), nullable=True),
    sa.Column('dot_hazard_class', sa.String(length=4), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chemical_id'], ['chemicals.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submittal_id'], ['submittals.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inventory_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inventory_items_submittal_id'), ['submittal_id'], unique=False)

    op.create_table('inventory_components',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Float(), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=True),
    sa.Column('ehs', sa.Boolean(), nullable=True),
    sa.Column('cas', sa.String(length=15), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['inventory_items.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_id', 'position', name='uq_inventory_components_item_position')
    )
    with op.batch_alter_table('inventory_components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inventory_components_item_id'), ['item_id'], unique=False)




def downgrade() -> None:
    
    with op.batch_alter_table('inventory_components', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inventory_components_item_id'))

    op.drop_table('inventory_components')
    with op.batch_alter_table('inventory_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inventory_items_submittal_id'))

    op.drop_table('inventory_items')
    with op.batch_alter_table('submittals', schema=None) as batch_op:
        batch_op.drop_index('uq_submittals_one_draft', sqlite_where=sa.text("status = 'Draft'"), postgresql_where=sa.text("status = 'Draft'"))
        batch_op.drop_index(batch_op.f('ix_submittals_facility_id'))

    op.drop_table('submittals')
    with op.batch_alter_table('chemical_synonyms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chemical_synonyms_synonym'))
        batch_op.drop_index(batch_op.f('ix_chemical_synonyms_chemical_id'))

    op.drop_table('chemical_synonyms')
    with op.batch_alter_table('chemical_components', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chemical_components_chemical_id'))

    op.drop_table('chemical_components')
    with op.batch_alter_table('chemicals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chemicals_cas'))

    op.drop_table('chemicals')

