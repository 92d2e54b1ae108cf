"""Builds count their attempts (a build whose worker was killed is re-queued once); thumbnails of built pages.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('builds') as batch:
        batch.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
    op.create_table('thumbnails',
    sa.Column('build_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('png', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['build_id'], ['builds.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('build_id', 'page')
    )


def downgrade() -> None:
    op.drop_table('thumbnails')
    with op.batch_alter_table('builds') as batch:
        batch.drop_column('attempts')
