"""A bounded property-based run over /openapi.json: schemathesis generates valid and invalid
requests for every operation, and no answer may be a 5xx or break its documented schema.

Bounded so CI stays fast: `FUZZ_EXAMPLES` examples per operation and generation mode (set the
`RENXING_FUZZ_EXAMPLES` environment variable to search longer locally).
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Api

FUZZ_EXAMPLES = int(os.environ.get("RENXING_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_no_request_the_schema_allows_or_forbids_gets_a_5xx_or_an_undocumented_answer(
        app: FastAPI, api: Api, deployed: None) -> None:
    # Some real state, so generated ids sometimes hit rows: one incident with a completed task.
    ref = api.as_("duty").start()["reference"]
    assert api.as_("duty").complete(ref, "record_report").status_code == 200
    people = [{"Authorization": f"Bearer {api.token(name)}"} for name in ("admin", "commander", "auditor")]

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    failures: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])
            try:
                _fuzz(operation.as_strategy(generation_mode=mode), people, checks)
            except Unsatisfiable:  # no parameters and no body: nothing can be made invalid
                continue
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)


def _fuzz(strategy: st.SearchStrategy[Any], people: list[dict[str, str]], checks: list[Any]) -> None:
    """Each example is sent by an administrator, a commander or an auditor (their refusals too)."""

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy, headers=st.sampled_from(people))
    def run(case: Any, headers: dict[str, str]) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    run()
