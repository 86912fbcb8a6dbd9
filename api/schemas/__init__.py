"""Pydantic request and response models of the HTTP API (never ORM models)."""
