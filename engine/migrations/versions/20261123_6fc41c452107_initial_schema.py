"""initial schema

Revision ID: 6fc41c452107
Revises: 
Create Date: 2026-11-23 11:02:23.102694
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.models.base

revision: str = '6fc41c452107'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_chain_heads',
    sa.Column('chain', sa.String(length=48), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('chain', name=op.f('pk_audit_chain_heads'))
    )
    op.create_table('idempotent_commands',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('command', sa.String(length=64), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', 'actor', name=op.f('pk_idempotent_commands'))
    )
    op.create_table('process_definitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('files', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('summary', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('spec_json', sa.Text(), nullable=False),
    sa.Column('deployed_by', sa.String(length=64), nullable=False),
    sa.Column('deployed_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_definitions')),
    sa.UniqueConstraint('process_id', 'content_hash', name='uq_process_definitions_content'),
    sa.UniqueConstraint('process_id', 'version', name='uq_process_definitions_version')
    )
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_definitions_process_id'), ['process_id'], unique=False)

    op.create_table('reference_counters',
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_reference_counters'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('exercise', sa.Boolean(), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('response_level', sa.String(length=4), nullable=True),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('next_timer_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('workflow_meta', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definitions.id'], name=op.f('fk_incidents_definition_id_process_definitions')),
    sa.ForeignKeyConstraint(['parent_id'], ['incidents.id'], name=op.f('fk_incidents_parent_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    sa.UniqueConstraint('reference', name=op.f('uq_incidents_reference'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_definition_id'), ['definition_id'], unique=False)
        batch_op.create_index('ix_incidents_next_timer_at', ['next_timer_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_response_level'), ['response_level'], unique=False)
        batch_op.create_index('ix_incidents_status_phase', ['status', 'phase'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_unit'), ['unit'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain', sa.String(length=48), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('occurred_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_audit_events_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('chain', 'seq', name='uq_audit_events_chain_seq')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index('ix_audit_events_incident', ['incident_id', 'id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('authority_basis', sa.Text(), nullable=False),
    sa.Column('response_level', sa.String(length=4), nullable=True),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('options_considered', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('choice', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('expected_effect', sa.Text(), nullable=True),
    sa.Column('departs_from_plan', sa.Boolean(), nullable=False),
    sa.Column('urgency', sa.String(length=16), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_decisions_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supersedes_id'], ['decisions.id'], name=op.f('fk_decisions_supersedes_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_incident_id'), ['incident_id'], unique=False)

    op.create_table('hazards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('facility', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('owner_seat', sa.String(length=64), nullable=False),
    sa.Column('deadline', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('found_by', sa.String(length=64), nullable=False),
    sa.Column('found_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_hazards_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazards'))
    )
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazards_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index('ix_hazards_status_grade', ['status', 'grade'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazards_unit'), ['unit'], unique=False)

    op.create_table('human_tasks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('task_spec', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('form_key', sa.String(length=128), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('excluded_user', sa.String(length=64), nullable=True),
    sa.Column('due_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_by', sa.String(length=64), nullable=True),
    sa.Column('completed_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_human_tasks_assignee_id_users')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_human_tasks_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_human_tasks'))
    )
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_human_tasks_assignee_state', ['assignee_id', 'state'], unique=False)
        batch_op.create_index('ix_human_tasks_incident_state', ['incident_id', 'state'], unique=False)
        batch_op.create_index('ix_human_tasks_role_state_due', ['role', 'state', 'due_at'], unique=False)

    op.create_table('improvement_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner_seat', sa.String(length=64), nullable=False),
    sa.Column('plan_unit', sa.String(length=200), nullable=False),
    sa.Column('due_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('revision_incident_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_improvement_actions_incident_id_incidents')),
    sa.ForeignKeyConstraint(['revision_incident_id'], ['incidents.id'], name=op.f('fk_improvement_actions_revision_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_actions'))
    )
    with op.batch_alter_table('improvement_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_improvement_actions_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_actions_status'), ['status'], unique=False)

    op.create_table('phase_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('entered_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('left_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_phase_history_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase_history'))
    )
    with op.batch_alter_table('phase_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_history_incident_id'), ['incident_id'], unique=False)

    op.create_table('role_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('granted_by', sa.String(length=64), nullable=False),
    sa.Column('granted_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_role_assignments_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_assignments')),
    sa.UniqueConstraint('user_id', 'role', 'incident_id', name='uq_role_assignments_seat')
    )
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_role_assignments_role_incident', ['role', 'incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('task_data',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_task_data_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'hash', name=op.f('pk_task_data'))
    )
    op.create_table('workflow_tasks',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('workflow_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('children', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('task_spec', sa.String(length=255), nullable=False),
    sa.Column('last_state_change', sa.Double(), nullable=False),
    sa.Column('triggered', sa.Boolean(), nullable=False),
    sa.Column('internal_data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('data_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_workflow_tasks_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'id', name=op.f('pk_workflow_tasks'))
    )
    op.create_table('decision_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('flagged_by', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('flagged_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_flags_decision_id_decisions')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_decision_flags_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_flags')),
    sa.UniqueConstraint('decision_id', name='uq_decision_flags_decision')
    )
    with op.batch_alter_table('decision_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_flags_incident_id'), ['incident_id'], unique=False)

    op.create_table('emergency_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('drafted_by', sa.String(length=64), nullable=False),
    sa.Column('approved_by', sa.String(length=64), nullable=False),
    sa.Column('improvement_action_id', sa.Integer(), nullable=True),
    sa.Column('revision_incident_id', sa.Integer(), nullable=True),
    sa.Column('published_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['improvement_action_id'], ['improvement_actions.id'], name=op.f('fk_emergency_plans_improvement_action_id_improvement_actions')),
    sa.ForeignKeyConstraint(['revision_incident_id'], ['incidents.id'], name=op.f('fk_emergency_plans_revision_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_plans')),
    sa.UniqueConstraint('unit', 'version', name='uq_emergency_plans_unit_version')
    )
    with op.batch_alter_table('emergency_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_plans_unit'), ['unit'], unique=False)

    op.create_table('fault_tolerance_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('reviewer', sa.String(length=64), nullable=False),
    sa.Column('ruling', sa.String(length=16), nullable=False),
    sa.Column('reasoning', sa.Text(), nullable=False),
    sa.Column('criteria', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('maker_statement', sa.Text(), nullable=True),
    sa.Column('ruled_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_fault_tolerance_reviews_decision_id_decisions')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_fault_tolerance_reviews_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fault_tolerance_reviews')),
    sa.UniqueConstraint('decision_id', name='uq_fault_tolerance_reviews_decision')
    )
    with op.batch_alter_table('fault_tolerance_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fault_tolerance_reviews_incident_id'), ['incident_id'], unique=False)
    _create_append_only_triggers()


_APPEND_ONLY = "audit_events is append-only: UPDATE and DELETE are refused"


def _create_append_only_triggers() -> None:
    """The audit log refuses changes in the database itself, not only in our code."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION renxing_audit_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION renxing_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION renxing_audit_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
            )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS renxing_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")

def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('fault_tolerance_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fault_tolerance_reviews_incident_id'))

    op.drop_table('fault_tolerance_reviews')
    with op.batch_alter_table('emergency_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emergency_plans_unit'))

    op.drop_table('emergency_plans')
    with op.batch_alter_table('decision_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_flags_incident_id'))

    op.drop_table('decision_flags')
    op.drop_table('workflow_tasks')
    op.drop_table('task_data')
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignments_user_id'))
        batch_op.drop_index('ix_role_assignments_role_incident')

    op.drop_table('role_assignments')
    with op.batch_alter_table('phase_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_history_incident_id'))

    op.drop_table('phase_history')
    with op.batch_alter_table('improvement_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_improvement_actions_status'))
        batch_op.drop_index(batch_op.f('ix_improvement_actions_incident_id'))

    op.drop_table('improvement_actions')
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_role_state_due')
        batch_op.drop_index('ix_human_tasks_incident_state')
        batch_op.drop_index('ix_human_tasks_assignee_state')

    op.drop_table('human_tasks')
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazards_unit'))
        batch_op.drop_index('ix_hazards_status_grade')
        batch_op.drop_index(batch_op.f('ix_hazards_incident_id'))

    op.drop_table('hazards')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_incident_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_incident')
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidents_unit'))
        batch_op.drop_index('ix_incidents_status_phase')
        batch_op.drop_index(batch_op.f('ix_incidents_response_level'))
        batch_op.drop_index(batch_op.f('ix_incidents_parent_id'))
        batch_op.drop_index('ix_incidents_next_timer_at')
        batch_op.drop_index(batch_op.f('ix_incidents_definition_id'))
        batch_op.drop_index(batch_op.f('ix_incidents_category'))

    op.drop_table('incidents')
    op.drop_table('users')
    op.drop_table('reference_counters')
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_definitions_process_id'))

    op.drop_table('process_definitions')
    op.drop_table('idempotent_commands')
    op.drop_table('audit_chain_heads')
