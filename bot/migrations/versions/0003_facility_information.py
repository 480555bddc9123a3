"""facility information: business_activities and owner_operator (one row each per submittal)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 23:03:59.396005
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('business_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submittal_id', sa.Integer(), nullable=False),
    sa.Column('hm_on_site', sa.Boolean(), nullable=True),
    sa.Column('calarp_regulated_substances', sa.Boolean(), nullable=True),
    sa.Column('own_or_operate_ust', sa.Boolean(), nullable=True),
    sa.Column('own_or_operate_apst', sa.Boolean(), nullable=True),
    sa.Column('hw_generator', sa.Boolean(), nullable=True),
    sa.Column('recycle', sa.Boolean(), nullable=True),
    sa.Column('onsite_hw_treatment', sa.Boolean(), nullable=True),
    sa.Column('financial_assurance', sa.Boolean(), nullable=True),
    sa.Column('rw_consolidation_site', sa.Boolean(), nullable=True),
    sa.Column('hw_tank_closure', sa.Boolean(), nullable=True),
    sa.Column('rcra_large_quantity_generator', sa.Boolean(), nullable=True),
    sa.Column('hhw_collection', sa.Boolean(), nullable=True),
    sa.Column('epa_id', sa.String(length=12), nullable=True),
    sa.Column('comments', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['submittal_id'], ['submittals.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submittal_id')
    )
    op.create_table('owner_operator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submittal_id', sa.Integer(), nullable=False),
    sa.Column('business_name', sa.String(length=70), nullable=True),
    sa.Column('beginning_date', sa.Date(), nullable=True),
    sa.Column('ending_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=25), nullable=True),
    sa.Column('fax', sa.String(length=25), nullable=True),
    sa.Column('dun_and_bradstreet', sa.String(length=9), nullable=True),
    sa.Column('sic_code', sa.String(length=4), nullable=True),
    sa.Column('naics_code', sa.String(length=6), nullable=True),
    sa.Column('mailing_address', sa.String(length=100), nullable=True),
    sa.Column('mailing_city', sa.String(length=60), nullable=True),
    sa.Column('mailing_state', sa.String(length=2), nullable=True),
    sa.Column('mailing_zip', sa.String(length=10), nullable=True),
    sa.Column('operator_name', sa.String(length=80), nullable=True),
    sa.Column('operator_phone', sa.String(length=25), nullable=True),
    sa.Column('owner_name', sa.String(length=80), nullable=True),
    sa.Column('owner_phone', sa.String(length=25), nullable=True),
    sa.Column('owner_mail_address', sa.String(length=100), nullable=True),
    sa.Column('owner_city', sa.String(length=60), nullable=True),
    sa.Column('owner_state', sa.String(length=2), nullable=True),
    sa.Column('owner_zip', sa.String(length=10), nullable=True),
    sa.Column('owner_country', sa.String(length=50), nullable=True),
    sa.Column('econtact_name', sa.String(length=80), nullable=True),
    sa.Column('econtact_phone', sa.String(length=25), nullable=True),
    sa.Column('econtact_mail_address', sa.String(length=100), nullable=True),
    sa.Column('econtact_email', sa.String(length=100), nullable=True),
    sa.Column('econtact_city', sa.String(length=60), nullable=True),
    sa.Column('econtact_state', sa.String(length=2), nullable=True),
    sa.Column('econtact_zip', sa.String(length=10), nullable=True),
    sa.Column('econtact_country', sa.String(length=50), nullable=True),
    sa.Column('pec_name', sa.String(length=80), nullable=True),
    sa.Column('pec_title', sa.String(length=60), nullable=True),
    sa.Column('pec_business_phone', sa.String(length=25), nullable=True),
    sa.Column('pec_24hr_phone', sa.String(length=25), nullable=True),
    sa.Column('pec_pager', sa.String(length=25), nullable=True),
    sa.Column('sec_name', sa.String(length=80), nullable=True),
    sa.Column('sec_title', sa.String(length=60), nullable=True),
    sa.Column('sec_business_phone', sa.String(length=25), nullable=True),
    sa.Column('sec_24hr_phone', sa.String(length=25), nullable=True),
    sa.Column('sec_pager', sa.String(length=25), nullable=True),
    sa.Column('al_collected_information', sa.String(length=255), nullable=True),
    sa.Column('identification_signed_date', sa.Date(), nullable=True),
    sa.Column('document_preparer_name', sa.String(length=80), nullable=True),
    sa.Column('identification_signer_name', sa.String(length=80), nullable=True),
    sa.Column('identification_signer_title', sa.String(length=60), nullable=True),
    sa.Column('billing_contact_name', sa.String(length=80), nullable=True),
    sa.Column('billing_contact_phone', sa.String(length=25), nullable=True),
    sa.Column('billing_contact_email', sa.String(length=100), nullable=True),
    sa.Column('billing_address', sa.String(length=100), nullable=True),
    sa.Column('billing_city', sa.String(length=60), nullable=True),
    sa.Column('billing_state', sa.String(length=2), nullable=True),
    sa.Column('billing_zip', sa.String(length=10), nullable=True),
    sa.Column('billing_country', sa.String(length=50), nullable=True),
    sa.Column('assessor_parcel_number', sa.String(length=15), nullable=True),
    sa.Column('number_of_employees', sa.Integer(), nullable=True),
    sa.Column('property_owner_name', sa.String(length=80), nullable=True),
    sa.Column('property_owner_phone', sa.String(length=25), nullable=True),
    sa.Column('property_owner_mailing_address', sa.String(length=100), nullable=True),
    sa.Column('property_owner_city', sa.String(length=60), nullable=True),
    sa.Column('property_owner_state', sa.String(length=2), nullable=True),
    sa.Column('property_owner_zip', sa.String(length=10), nullable=True),
    sa.Column('property_owner_country', sa.String(length=50), nullable=True),
    sa.Column('skipped', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['submittal_id'], ['submittals.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submittal_id')
    )


def downgrade() -> None:
    op.drop_table('owner_operator')
    op.drop_table('business_activities')
