"""Process definitions: deploy a validated bundle as versioned definitions, and look them up."""

from engine.definitions.deploy import MAX_BUNDLE_BYTES, deploy, read_bundle, warnings_of
from engine.definitions.lookup import get, get_by_id, list_definitions

__all__ = ["MAX_BUNDLE_BYTES", "deploy", "get", "get_by_id", "list_definitions", "read_bundle", "warnings_of"]
