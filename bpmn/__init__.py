"""The bundled process library: BPMN and DMN files shipped inside the wheel (data, not code)."""

from pathlib import Path

BUNDLE_DIR = Path(__file__).resolve().parent

__all__ = ["BUNDLE_DIR"]
