"""Human tasks: inboxes, claiming and releasing, reassigning, completing with validated data."""

from engine.definitions.forms import form_of
from engine.tasks.guidance import Guidance, guidance_for
from engine.tasks.inbox import inbox, inbox_rows
from engine.tasks.service import claim, complete, completed_tasks, get, may_act_on, open_tasks, reassign, release

__all__ = ["Guidance", "claim", "complete", "completed_tasks", "form_of", "get", "guidance_for", "inbox", "inbox_rows",
           "may_act_on",
           "open_tasks", "reassign", "release"]
