"""Secrets the deployment generates for itself and every process shares (the signing key)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class DeploymentSecret(Base):
    """One named secret, kept in the database so every process of a deployment (serve, workers,
    the CLI) reads the same one, and a backup restores it with the data it protects."""

    __tablename__ = "deployment_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
