"""Schemathesis against the backend's own OpenAPI: generated requests never get a 5xx or an off-schema answer.

CI runs a bounded number of examples per operation; ``STATION_SCHEMATHESIS_EXAMPLES`` raises it for
the long run (its figures are in docs/security.md).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from security_support import BackendDb, accept_all

from procedure_backend import create_app
from procedure_backend.limits import FailedAuthLimiter

EXAMPLES = int(os.environ.get("STATION_SCHEMATHESIS_EXAMPLES", "30"))


def _exchange(operation: Any, token: str, statuses: Counter[int]) -> None:
    @given(operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def exchange(case: Any) -> None:
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        statuses[response.status_code] += 1
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    exchange()


@pytest.mark.parametrize("validator", ["forms", "accept-all"])
def test_generated_requests_get_documented_answers(backend_db: BackendDb, validator: str) -> None:
    # "forms": generated bodies meet the station's own form checks (mostly 422); "accept-all" lets
    # them reach the insert and the read-back, so the storage path is fuzzed too
    app = create_app(
        backend_db.db,
        auth_limiter=FailedAuthLimiter(max_failures=10**9),
        validator=accept_all if validator == "accept-all" else None,
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]  # Err raises, as wanted
    assert len(operations) >= 4
    statuses: Counter[int] = Counter()
    for operation in operations:
        token = backend_db.station_token if operation.method.upper() == "POST" else backend_db.back_office_token
        _exchange(operation, token, statuses)
    assert not any(code >= 500 for code in statuses)
    assert statuses[200] + statuses[201] > 0  # generation reached the handlers, not only validation
    if validator == "accept-all":
        assert statuses[201] > 0
    print(f"schemathesis: {sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}")
