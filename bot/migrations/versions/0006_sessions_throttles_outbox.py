"""sessions that can be ended, throttles, and a durable email outbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 06:00:00

- users.session_version: every login session cookie and conversation token carries the version it was
  issued under; log-out, a password change and disabling the account add one, so every session and
  conversation token of the account stops working at once;
- throttle_hits: counted attempts per bucket (a keyed hash of "sign-up to this email", "wrong password for
  this email from this IP"...), for the sign-up, email, login and access-request throttles;
- outbox_emails: every email is written here in the same transaction as the change that causes it, sent
  after the commit, retried by the outbox worker, and kept as `failed` for staff when it cannot be sent.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'throttle_hits',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('bucket', sa.String(64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_throttle_hits_bucket_created', 'throttle_hits', ['bucket', 'created_at'])
    op.create_table(
        'outbox_emails',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('to_address', sa.String(254), nullable=False),
        sa.Column('subject', sa.String(255), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(16), nullable=False, server_default='queued'),
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('last_error', sa.String(500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_outbox_emails_status_next', 'outbox_emails', ['status', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_outbox_emails_status_next', table_name='outbox_emails')
    op.drop_table('outbox_emails')
    op.drop_index('ix_throttle_hits_bucket_created', table_name='throttle_hits')
    op.drop_table('throttle_hits')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('session_version')
