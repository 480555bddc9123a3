"""documents of a submittal: site map, emergency response plan, employee training plan

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 07:30:00

- documents: one row per uploaded PDF (facility, Draft submittal, element, uploader, original filename, pages,
  size, SHA-256, path of the file stored by content hash, what the content check found, when) or per answer
  "provided elsewhere in CERS" (training plan only; no file columns). A replaced document keeps its row with
  `replaced_at` set; the partial unique index allows one current row per (submittal, element).
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'documents',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('facility_id', sa.Integer(), sa.ForeignKey('facilities.id', ondelete='CASCADE'), nullable=False),
        sa.Column('submittal_id', sa.Integer(), sa.ForeignKey('submittals.id', ondelete='CASCADE'), nullable=False),
        sa.Column('element', sa.String(32), nullable=False),
        sa.Column('uploaded_by_user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('provided_elsewhere', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('original_filename', sa.String(255), nullable=True),
        sa.Column('pages', sa.Integer(), nullable=True),
        sa.Column('size_bytes', sa.Integer(), nullable=True),
        sa.Column('sha256', sa.String(64), nullable=True),
        sa.Column('stored_path', sa.String(255), nullable=True),
        sa.Column('findings', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_documents_facility_id', 'documents', ['facility_id'])
    op.create_index('ix_documents_submittal_id', 'documents', ['submittal_id'])
    op.create_index('ix_documents_sha256', 'documents', ['sha256'])
    op.create_index('uq_documents_one_current', 'documents', ['submittal_id', 'element'], unique=True,
                    sqlite_where=sa.text('replaced_at IS NULL'), postgresql_where=sa.text('replaced_at IS NULL'))


def downgrade() -> None:
    op.drop_index('uq_documents_one_current', table_name='documents')
    op.drop_index('ix_documents_sha256', table_name='documents')
    op.drop_index('ix_documents_submittal_id', table_name='documents')
    op.drop_index('ix_documents_facility_id', table_name='documents')
    op.drop_table('documents')
