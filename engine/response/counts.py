"""What the response did, in numbers: people moved out of danger and rescued in the first response
(先期处置), evacuated and sheltered on each evacuation order, and (forms.vocabulary.RESPONSE_COUNTS)
whatever else a form reports as a count — summed over the incident's completed tasks, so a second
evacuation order adds to the first. The report register and the after-action report show them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import HumanTask
from forms.vocabulary import RESPONSE_COUNTS, TASK_COMPLETED


def response_counts(*, session: Session, incident_id: int) -> dict[str, int]:
    """Each count of RESPONSE_COUNTS (0 where no task reported it), in that order."""
    counts = dict.fromkeys(RESPONSE_COUNTS, 0)
    forms = {form for form, _ in RESPONSE_COUNTS.values()}
    for form_key, data in session.execute(select(HumanTask.form_key, HumanTask.data).where(
            HumanTask.incident_id == incident_id, HumanTask.state == TASK_COMPLETED, HumanTask.form_key.in_(forms))):
        for name, (form, field) in RESPONSE_COUNTS.items():
            value = (data or {}).get(field) if form == form_key else None
            if isinstance(value, int) and not isinstance(value, bool):
                counts[name] += value
    return counts
