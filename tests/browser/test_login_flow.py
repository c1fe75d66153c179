from typing import Any

import pytest

from tests.browser.conftest import screenshot
from xingfu.core.testing import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_village_worker_logs_in_sees_chinese_home_switches_to_english_and_logs_out(
    live_server: Any, page: Any, village_worker: Any, village: Any
) -> None:
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # pages need a login

    page.fill("#id_username", "worker")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("[data-testid=login]")
    page.wait_for_url(f"{live_server.url}/")

    assert page.get_attribute("html", "lang") == "zh-hans"
    scope = page.locator("[data-testid=scope]")
    assert "王庄村" in scope.inner_text() and "店子镇" in scope.inner_text()
    assert "欢迎" in page.inner_text("h1")
    screenshot(page, "home-zh")

    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert "Welcome" in page.inner_text("h1")
    assert "Wangzhuang Village" in page.locator("[data-testid=scope]").inner_text()
    screenshot(page, "home-en")

    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url


def test_a_wrong_password_shows_the_generic_message_in_the_page(
    live_server: Any, page: Any, village_worker: Any
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "worker")
    page.fill("#id_password", "not-the-password")
    page.click("[data-testid=login]")
    assert page.locator("[role=alert]").is_visible()
    assert "/accounts/login/" in page.url
