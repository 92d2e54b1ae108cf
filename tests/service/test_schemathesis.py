"""Schemathesis over the OpenAPI spec: no generated request, logged in or not, makes the service fail (5xx)."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

import pytest

from .conftest import login, minimal_yaml


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)  # once: the routes are the same on PostgreSQL
def test_no_request_from_the_spec_gets_a_server_error(world):
    client, csrf = login(world.app, "alice")
    token = client.post("/api/tokens", json={"name": "fuzz"}, headers={"X-CSRF-Token": csrf}).json()["token"]
    client.post(f"/api/books/{world.book_a}/revisions", files={"file": ("plan.yaml", minimal_yaml())},
                headers={"X-CSRF-Token": csrf})  # revision 1 exists, so some ids reach real data
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    failures, statuses = [], set()
    for operation in operations:
        if operation.path in ("/metrics",):
            continue

        @hypothesis_settings(max_examples=10, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), authorised=st.booleans())
        def run(case, authorised):
            headers = {"Authorization": f"Bearer {token}"} if authorised else {}
            response = case.call(headers=headers)
            statuses.add((operation.label, response.status_code))
            if response.status_code >= 500:
                failures.append((operation.label, response.status_code, response.text[:300]))

        run()
    assert failures == []
    # the requests reached the routes themselves, not only the log-in check
    assert {code for _, code in statuses} >= {200, 201, 401, 404, 422}
    assert ("GET /api/books", 200) in statuses
