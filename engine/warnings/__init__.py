"""Warnings received from the authorised issuer and relayed to every grid (预警): receive one, follow
its changes (raised, lowered, lifted, becoming an incident), and list them with their level."""

from engine.warnings.service import WarningView, change, list_warnings, receive, show

__all__ = ["WarningView", "change", "list_warnings", "receive", "show"]
