"""Attachments on tasks."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import ResponseModel


class AttachmentOut(ResponseModel):
    id: int
    task_id: str
    kind: str = Field(description="scene | hazard | damage | other")
    filename: str
    content_type: str = Field(description="Recognised from the content, not the name.")
    size: int
    sha256: str = Field(description="SHA-256 of the content, as recorded in the incident's audit chain.")
    note: str | None
    uploaded_by: str
    uploaded_at: datetime
    url: str = Field(description="Where to download the content (`GET`).")
