"""Schemathesis over the benefits operations with data in place (the project-wide pass runs on an empty
database): programmes, a family, an approved cycle, a payment and an application exist, so the fuzzer reaches
the code behind the lookups. No operation may answer 5xx or leave its documented schema."""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from xingfu.benefits.services.applications import application_submit
from xingfu.benefits.services.cycles import cycle_approve, cycle_prepare
from xingfu.benefits.services.payments import cycle_results_import
from xingfu.benefits.tests.factories import D, family
from xingfu.wsgi import application

CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance, content_type_conformance]
PREFIXES = (
    "/api/benefit-",
    "/api/payment-cycles",
    "/api/entitlements",
    "/api/commitment",
    "/api/certificate",
)
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", application)
ALL: list[Any] = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
OPERATIONS = [op for op in ALL if op.path.startswith(PREFIXES)]


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    """Calls go straight to the WSGI app, so Django's end-of-request ``close_old_connections`` would close the
    test's own connection mid-transaction on PostgreSQL (as the project-wide pass says)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(programmes: Any, district_admin: Any, town_officer: Any, village: Any, town: Any) -> str:
    fam = family(district_admin, village, [("F", D(2005, 3, 1))])
    cycle = cycle_prepare(actor=town_officer, programme=programmes["only-daughter"], period="202610", scope=town)
    cycle_approve(actor=district_admin, cycle=cycle)
    entitlement = cycle.entitlements.get()
    content = f"entitlement_id,amount,result\n{entitlement.pk},50.00,paid\n".encode()
    cycle_results_import(actor=town_officer, cycle=cycle, content=content, filename="r.csv")
    student = family(district_admin, village, [("F", D(2008, 3, 1))]).children[0]
    application_submit(
        actor=district_admin,
        programme=programmes["college-reward"],
        beneficiary=student,
        tier="college",
        attachments=[{"name": "Admission letter"}, {"name": "Household register page"}],
    )
    assert fam.household.pk
    return Token.objects.create(user=district_admin).key


def test_the_benefits_operations_are_in_the_schema() -> None:
    assert len(OPERATIONS) >= 30


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_benefits_operation_errors_with_data_in_place(operation: Any, token: str) -> None:
    headers = {"Authorization": f"Token {token}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()
