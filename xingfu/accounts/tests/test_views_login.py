from typing import Any

from django.conf import settings

from xingfu.accounts.roles import Role
from xingfu.core.testing import TEST_PASSWORD, make_user


def _login(client: Any, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


def test_a_user_logs_in_and_lands_on_the_home_page(client: Any, village_worker: Any) -> None:
    response = _login(client, "worker", TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_wrong_password_and_an_unknown_user_get_the_same_generic_message(client: Any, village_worker: Any) -> None:
    wrong_password = _login(client, "worker", "not-the-password").content.decode()
    unknown_user = _login(client, "nobody-here", "not-the-password").content.decode()
    assert "Wrong username or password." in wrong_password
    assert "Wrong username or password." in unknown_user


def test_repeated_failures_lock_the_account_even_for_the_right_password(client: Any, village_worker: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "worker", "not-the-password")
    locked = _login(client, "worker", TEST_PASSWORD)
    assert locked.status_code == 429
    assert "locked" in locked.content.decode().lower()


def test_failures_below_the_limit_do_not_lock(client: Any, village_worker: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "worker", "not-the-password")
    assert _login(client, "worker", TEST_PASSWORD).status_code == 302


def test_a_user_without_a_scope_cannot_log_in_and_is_told_why(client: Any, district: Any) -> None:
    make_user(Role.TOWN_OFFICER, None, "unplaced")
    response = _login(client, "unplaced", TEST_PASSWORD)
    assert response.status_code == 200
    assert "no org unit assigned" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(client: Any, district: Any) -> None:
    for url in ["/", "/orgunits/", "/audit/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_logout_ends_the_session(client: Any, village_worker: Any) -> None:
    client.force_login(village_worker)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_log_ins_failures_and_log_outs_are_in_the_audit_trail(client: Any, village_worker: Any) -> None:
    from xingfu.audit.models import AuditEvent

    _login(client, "worker", "not-the-password")
    _login(client, "worker", TEST_PASSWORD)
    client.post("/accounts/logout/")
    events = list(AuditEvent.objects.filter(action__startswith="auth.").order_by("seq"))
    assert [e.action for e in events] == ["auth.login_failed", "auth.login", "auth.logout"]
    assert events[0].object_id == "worker" and events[0].actor_id is None
    assert events[1].actor_username == "worker" and events[1].orgunit_path == village_worker.scope.path
    assert "not-the-password" not in str([e.changes for e in events] + [e.reason for e in events])


def test_an_admin_edit_of_a_user_is_audited(client: Any, district_admin: Any, village_worker: Any) -> None:
    from xingfu.audit.models import AuditEvent

    client.force_login(district_admin)
    page = client.get(f"/admin/accounts/user/{village_worker.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(
        {
            "full_name": "王小红",
            "role": "village_worker",
            "scope": village_worker.scope_id,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "is_active": "on",
        }
    )
    data.pop("last_login", None)
    data.pop("password", None)
    response = client.post(f"/admin/accounts/user/{village_worker.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(action="admin.change.user").get()
    assert event.changes["full_name"] == {"before": "", "after": "王小红"}
    assert event.actor_username == "admin"
