"""The only package that imports SpiffWorkflow. Everything it returns is our own type."""

from engine.workflow.flatten import live_rows
from engine.workflow.names import ModelNames, model_names
from engine.workflow.operators_bridge import Dispatcher
from engine.workflow.progress import ElementInfo, ElementKind, ElementState, Progress, model_elements, progress
from engine.workflow.runtime import WorkflowRuntime
from engine.workflow.specs import ParsedBundle, ProcessInfo, UserTaskInfo, dump_specs, parse_bundle
from engine.workflow.views import Snapshot, StateDelta, TaskRecord, TaskView, TimerView

__all__ = [
    "Dispatcher",
    "ElementInfo",
    "ElementKind",
    "ElementState",
    "ModelNames",
    "ParsedBundle",
    "ProcessInfo",
    "Progress",
    "Snapshot",
    "StateDelta",
    "TaskRecord",
    "TaskView",
    "TimerView",
    "UserTaskInfo",
    "WorkflowRuntime",
    "dump_specs",
    "live_rows",
    "model_elements",
    "model_names",
    "parse_bundle",
    "progress",
]
