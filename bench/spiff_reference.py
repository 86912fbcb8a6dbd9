"""The reference for flat cost: SpiffWorkflow alone, saving its whole state as one JSON blob.

This is the only bench module that imports SpiffWorkflow. It runs the same BPMN model as the
engine measurement with the library's own parser and default script engine, completes the same
user tasks with the same data, and — as the naive way to make each command durable — serialises
the whole workflow (`BpmnWorkflowSerializer.serialize_json`) and writes that one blob per
command into a table of the same database, in a write transaction with the same settings.
"""

from __future__ import annotations

import time
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG as SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import text

from engine.db import Database

_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


class WholeStateReference:
    """One workflow of `process_id`, advanced in memory and saved whole on measured steps."""

    def __init__(self, url: str, bpmn: Path, process_id: str, elements: tuple[str, ...]) -> None:
        parser = SpiffBpmnParser()
        parser.add_bpmn_file(str(bpmn))
        self.workflow = BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
        self.workflow.do_engine_steps()
        self._elements = elements
        self.completed = 0
        self.db = Database(url)
        with self.db.transaction() as session:
            session.execute(text("CREATE TABLE IF NOT EXISTS spiff_whole_state (id INTEGER PRIMARY KEY, state TEXT)"))
            session.execute(text("DELETE FROM spiff_whole_state"))
            session.execute(text("INSERT INTO spiff_whole_state (id, state) VALUES (1, '')"))

    def _step(self) -> None:
        element = self._elements[self.completed % len(self._elements)]
        task = next(t for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
                    if t.task_spec.bpmn_id == element)
        self.completed += 1
        task.set_data(verified=False, comment=f"report {self.completed}")
        task.run()
        self.workflow.do_engine_steps()

    def advance_to(self, completed: int) -> None:
        """Complete tasks in memory only (no saving) until `completed` tasks have run."""
        while self.completed < completed:
            self._step()

    def command(self) -> tuple[float, int, float]:
        """One durable command: complete a task, serialise everything, write it.
        (seconds, bytes, CPU seconds of SpiffWorkflow's own step: completing and engine steps)"""
        start = time.perf_counter()
        cpu = time.process_time()
        self._step()
        step_cpu = time.process_time() - cpu
        blob = _SERIALIZER.serialize_json(self.workflow)
        with self.db.transaction() as session:
            session.execute(text("UPDATE spiff_whole_state SET state = :state WHERE id = 1"), {"state": blob})
        return time.perf_counter() - start, len(blob.encode()), step_cpu

    def close(self) -> None:
        self.db.dispose()
