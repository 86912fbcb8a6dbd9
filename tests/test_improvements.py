"""Tracked improvement actions (HSEEP's AAR/IP), on SQLite and PostgreSQL: a drill's action becomes
a task for its owner seat with a due date; closing it needs evidence (text or a file on the task)
and is verified by someone who is not the owner; sent back, it returns to the owner; a due date
that passes first marks it overdue and asks the plan approver to supervise it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import attachments, registers
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Forbidden, InvalidInput
from engine.models import AuditEvent, ImprovementAction
from tests.library_helpers import ACTION, UNIT, Library, action_from_drill


@pytest.fixture
def library(db: Database, clock: ManualClock) -> Library:
    return Library(db, clock)


def _action(library: Library, process_id: int) -> ImprovementAction:
    with library.db.read() as session:
        return session.scalars(select(ImprovementAction)
                               .where(ImprovementAction.revision_incident_id == process_id)).one()


def _events(library: Library, process_id: int) -> list[str]:
    with library.db.read() as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.incident_id == process_id)
                                    .order_by(AuditEvent.id)))


def test_the_owner_seat_gets_the_task_and_closing_needs_evidence_and_a_verifier(library: Library) -> None:
    action, process_id = action_from_drill(library)
    assert (action.capability, action.issue, action.status, action.start_at) == (
        "supplies", ACTION["issue"], "open", action.created_at)
    assert (action.due_at - action.created_at).days == 10
    carry = library.task(process_id, "carry_out_action")
    assert (carry.role, carry.subject) == ("logistics", ACTION["title"])  # the owner seat, not the lane's
    assert carry.due_at == action.due_at  # the action's due date: inboxes sort by it and show it late

    with pytest.raises(InvalidInput) as refused:  # no text and no file: refused, naming the field
        library.complete(process_id, "carry_out_action", {"evidence": "  "})
    assert set(refused.value.fields) == {"evidence"}
    assert refused.value.message.code == "improvement_action.evidence_missing"
    assert library.open_elements(process_id) == ["carry_out_action"]  # nothing changed
    assert _action(library, process_id).status == "open"
    assert "improvement_action_submitted" not in _events(library, process_id)

    library.complete(process_id, "carry_out_action", {"evidence": "All 40 torches tested; 18 batteries replaced."})
    assert _action(library, process_id).status == "submitted"
    verify = library.task(process_id, "verify_action")
    assert (verify.role, verify.excluded_user) == ("plan_approver", "wu.logistics")
    library.complete(process_id, "verify_action", verified=False, verification_note="Show me the log sheet.")
    sent_back = _action(library, process_id)
    assert (sent_back.status, sent_back.verification_note) == ("open", "Show me the log sheet.")
    assert library.open_elements(process_id) == ["carry_out_action"]  # back to its owner

    library.complete(process_id, "carry_out_action", {"evidence": "Log sheet signed and kept in the store."})
    library.complete(process_id, "verify_action")
    done = _action(library, process_id)
    assert (done.status, done.submitted_by, done.verified_by) == ("done", "wu.logistics", "hu.approver")
    assert done.evidence == "Log sheet signed and kept in the store."
    assert library.incident(process_id).status == "closed"
    assert _events(library, process_id).count("improvement_action_sent_back") == 1
    with library.db.read() as session:  # it revised no section: no new plan version
        assert registers.plan_in_force(session=session, unit=UNIT) is None


def test_a_file_on_the_task_is_evidence_and_the_owner_cannot_verify(library: Library, tmp_path) -> None:
    action, process_id = action_from_drill(library, owner_seat="plan_owner")
    carry = library.task(process_id, "carry_out_action")
    with library.db.transaction() as session:
        attachments.add(session=session, actor=library.actors["gao.both"], store=attachments.LocalStore(tmp_path),
                        limits=attachments.Limits(), task_id=carry.id, kind="other", filename="check.txt",
                        data=b"Torch check, 2026-12-01: 40 of 40 working.")
    # gao.both holds the owner's seat and the approver's: carries it out with a file, no text…
    library.complete(process_id, "carry_out_action", {"evidence": ""}, as_user="gao.both")
    assert _action(library, process_id).status == "submitted"
    with pytest.raises(Forbidden):  # …and so may not verify it
        library.complete(process_id, "verify_action", as_user="gao.both")
    library.complete(process_id, "verify_action", as_user="hu.approver")
    assert _action(library, process_id).status == "done"


def test_an_action_that_revises_a_section_needs_that_section(library: Library) -> None:
    _action_row, process_id = action_from_drill(library, owner_seat="plan_owner", plan_section="resources")
    with pytest.raises(InvalidInput) as refused:
        library.complete(process_id, "carry_out_action", {"evidence": "Store list redone."})
    assert set(refused.value.fields) == {"section_changes"}
    section = {"section": "resources", "text": "Torches: 40, checked monthly by logistics."}
    library.complete(process_id, "carry_out_action", {"evidence": "Store list redone.", "section_changes": [section]})
    library.complete(process_id, "verify_action")
    with library.db.read() as session:
        plan = registers.plan_in_force(session=session, unit=UNIT)
    assert (plan.version, plan.sections, plan.drafted_by, plan.approved_by) == (
        1, {"resources": section["text"]}, "ma.plan", "hu.approver")


def test_an_overdue_action_escalates_to_the_plan_approver_and_stays_open(library: Library) -> None:
    action, process_id = action_from_drill(library)
    library.advance(days=9)
    assert library.open_elements(process_id) == ["carry_out_action"]
    library.advance(days=1, minutes=1)
    assert library.open_elements(process_id) == ["carry_out_action", "supervise_overdue_action"]
    assert library.task(process_id, "supervise_overdue_action").role == "plan_approver"
    assert library.task(process_id, "carry_out_action").due_at == action.due_at < library.clock.now()  # late
    overdue = _action(library, process_id)
    assert (overdue.status, overdue.escalated_at is not None) == ("overdue", True)
    assert library.audit(process_id, "improvement_action_escalated")[0]["action_id"] == action.id
    library.complete(process_id, "supervise_overdue_action")
    library.complete(process_id, "carry_out_action", {"evidence": "Done, late."})
    library.complete(process_id, "verify_action")
    assert (_action(library, process_id).status, library.incident(process_id).status) == ("done", "closed")
