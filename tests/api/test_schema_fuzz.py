"""A bounded schemathesis pass over every operation in the OpenAPI schema, authenticated.

Every API that lands is fuzzed here: no operation may answer 5xx, and every documented response must
match its schema. Operations are read from the live schema, so nothing has to be listed by hand.
(We drive hypothesis ourselves rather than through schemathesis' pytest plugin, which does not run
under pytest 9.)
"""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from xingfu.wsgi import application

CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES_PER_OPERATION = 12

SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", application)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    """Calls go straight to the WSGI app, so Django's end-of-request ``close_old_connections`` runs; with
    CONN_MAX_AGE set (PostgreSQL) it would close the test's own connection mid-transaction. Django's test
    client disconnects it for the same reason."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(district_admin: Any, village: Any, other_village: Any) -> str:
    return Token.objects.create(user=district_admin).key


def test_the_schema_lists_every_api_resource() -> None:
    paths = {op.path for op in OPERATIONS}
    assert {"/api/orgunits/", "/api/orgunits/{code}/", "/api/me/", "/api/users/", "/api/audit-events/"} <= paths


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_operation_errors_or_leaves_its_schema(operation: Any, admin_token: str) -> None:
    headers = {"Authorization": f"Token {admin_token}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()
