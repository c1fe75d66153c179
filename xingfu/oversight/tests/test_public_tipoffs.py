"""The public tip-off page: no login, a tracking code, the status only, and what it refuses."""

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xingfu.audit.models import AuditEvent
from xingfu.oversight.models import SubmissionLog, TipOff
from xingfu.oversight.services.tipoffs import TRACKING_ALPHABET
from xingfu.oversight.tests.factories import solved_challenge

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def report(**extra: Any) -> dict[str, Any]:
    return {
        "about": "sex_selection",
        "provider": "某私人诊所",
        "description": "诊所里有人说可以“看男女”，收费800元。",
        "place": "店子镇王庄村东头",
        "occurred": "2026年3月",
        "contact": "",
        **solved_challenge(),
        **extra,
    }


def tracking_code(page: str) -> str:
    match = re.search(r'data-testid="tracking-code">([^<]+)<', page)
    assert match, page
    return match.group(1)


def test_the_report_page_works_without_login_and_gives_a_tracking_code(client: Any, district: Any) -> None:
    form = client.get("/oversight/report/", HTTP_ACCEPT_LANGUAGE="en")
    assert form.status_code == 200 and "How much is" in form.content.decode()
    response = client.post("/oversight/report/", report())
    assert response.status_code == 201
    code = tracking_code(response.content.decode()).replace(" ", "")
    assert len(code) == 12 and set(code) <= set(TRACKING_ALPHABET)
    tipoff = TipOff.objects.get()
    assert tipoff.status == "received" and tipoff.is_anonymous and tipoff.channel == "web"
    assert code not in str(TipOff.objects.values().get())  # only a digest of the code is kept


def test_the_status_page_shows_the_status_and_nothing_internal(client: Any, district: Any) -> None:
    code = tracking_code(client.post("/oversight/report/", report()).content.decode())
    response = client.post("/oversight/report/status/", {"code": code.lower()}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Received, waiting to be reviewed" in page
    assert "看男女" not in page and "王庄村" not in page and "某私人诊所" not in page


def test_a_tracking_code_that_does_not_exist_gets_the_same_answer_as_a_mistyped_one(client: Any, district: Any) -> None:
    client.post("/oversight/report/", report())
    answers = []
    for code in ["ABCDEFGHJKMN", "not a code at all!", "0O1IL"]:
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/oversight/report/status/", {"code": code}, HTTP_ACCEPT_LANGUAGE="en")
        lookups = [q["sql"] for q in queries.captured_queries if "oversight_tipoff" in q["sql"]]
        answers.append((response.status_code, _error_text(response.content.decode()), len(lookups)))
    # The same page, the same reason, the same single lookup by digest: nothing tells the codes apart.
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 404 and "No report has that tracking code" in answers[0][1] and answers[0][2] == 1


def _error_text(page: str) -> str:
    match = re.search(r'<span class="errorlist" role="alert">(.*?)</span>', page, re.S)
    return match.group(1).strip() if match else ""


def test_a_report_about_a_pregnant_woman_is_refused_with_an_explanation(client: Any, district: Any) -> None:
    response = client.post(
        "/oversight/report/",
        report(about="pregnant_woman", provider="", description="邻居怀孕了，想查男女"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="refused"' in page
    assert "does not accept reports about women and their pregnancies" in page
    assert "邻居怀孕了" not in page  # not even echoed back
    assert not TipOff.objects.exists() and not SubmissionLog.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="oversight.tipoff").exists()


def test_the_pregnant_woman_option_is_offered_so_that_it_can_be_explained(client: Any, district: Any) -> None:
    page = client.get("/oversight/report/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="pregnant_woman"' in page and "A pregnant woman" in page


def test_a_wrong_answer_to_the_question_is_refused(client: Any, district: Any) -> None:
    response = client.post("/oversight/report/", report(challenge_answer="99"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "not right" in response.content.decode()
    assert not TipOff.objects.exists()


def test_a_solved_question_cannot_be_used_twice(client: Any, district: Any) -> None:
    solved = solved_challenge()
    assert client.post("/oversight/report/", report(**solved)).status_code == 201
    again = client.post("/oversight/report/", report(**solved), HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400 and "already used" in again.content.decode()
    assert TipOff.objects.count() == 1


def test_an_expired_question_is_refused(client: Any, district: Any, settings: Any) -> None:
    settings.XINGFU_OVERSIGHT_CHALLENGE_MAX_AGE = -1
    response = client.post("/oversight/report/", report(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert not TipOff.objects.exists()


def test_a_flood_from_one_address_is_stopped_after_five_an_hour(client: Any, district: Any) -> None:
    for _ in range(5):
        assert client.post("/oversight/report/", report(), REMOTE_ADDR="203.0.113.7").status_code == 201
    flood = client.post("/oversight/report/", report(), REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="en")
    assert flood.status_code == 429 and "Too many reports" in flood.content.decode()
    assert TipOff.objects.count() == 5
    # A forged forwarded-for header does not get around it; another address is not held back.
    forged = client.post("/oversight/report/", report(), REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert forged.status_code == 429
    assert client.post("/oversight/report/", report(), REMOTE_ADDR="203.0.113.8").status_code == 201


def test_guessing_tracking_codes_on_the_status_page_soon_stops(client: Any, district: Any) -> None:
    answers = [
        client.post("/oversight/report/status/", {"code": f"GUESS{i:07d}"}, REMOTE_ADDR="203.0.113.9").status_code
        for i in range(31)
    ]
    assert answers[:30] == [404] * 30 and answers[30] == 429
    blocked = client.post("/oversight/report/", report(), REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="en")
    assert blocked.status_code == 429 and "Too many attempts" in blocked.content.decode()
    assert not TipOff.objects.exists()


def test_the_rate_limit_keeps_no_address(client: Any, district: Any) -> None:
    client.post("/oversight/report/", report(), REMOTE_ADDR="203.0.113.7")
    log = SubmissionLog.objects.get()
    assert "203.0.113.7" not in log.client_digest and len(log.client_digest) == 64


def test_a_photo_can_be_attached_and_is_stored_under_media_root(client: Any, district: Any, settings: Any) -> None:
    photo = SimpleUploadedFile("IMG_0001.png", PNG, content_type="image/png")
    assert client.post("/oversight/report/", report(attachment=photo)).status_code == 201
    tipoff = TipOff.objects.get()
    assert tipoff.attachment_type == "image/png"
    assert tipoff.attachment.path.startswith(str(settings.MEDIA_ROOT))
    assert "IMG_0001" not in tipoff.attachment.name  # our name, not the sender's


def test_an_oversized_attachment_is_refused(client: Any, district: Any) -> None:
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024), content_type="image/png")
    response = client.post("/oversight/report/", report(attachment=big), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not TipOff.objects.exists() and not SubmissionLog.objects.exists()


def test_a_file_that_is_not_an_image_or_pdf_is_refused_whatever_its_name(client: Any, district: Any) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho hello\n", content_type="image/jpeg")
    response = client.post("/oversight/report/", report(attachment=fake), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Only photos" in response.content.decode()
    assert not TipOff.objects.exists()


# --- The same through the API -----------------------------------------------------------------------------


def api_report(api: Any, **extra: Any) -> Any:
    challenge = api.get("/api/oversight/public-reports/challenge/").json()
    from django.core import signing

    from xingfu.oversight.services.tipoffs import _CHALLENGE_SALT

    numbers = signing.loads(challenge["token"], salt=_CHALLENGE_SALT)
    body = {**report(), "challenge_token": challenge["token"], "challenge_answer": str(numbers["a"] + numbers["b"])}
    body.pop("attachment", None)
    body.update(extra)
    return api.post("/api/oversight/public-reports/", body, format="json")


def test_the_public_api_takes_a_report_without_an_account_and_tells_its_status(api: Any, district: Any) -> None:
    response = api_report(api)
    assert response.status_code == 201, response.json()
    code = response.json()["tracking_code"]
    status = api.post("/api/oversight/public-reports/status/", {"code": code}, format="json")
    assert status.status_code == 200
    assert set(status.json()) == {"status", "status_label", "received_on", "updated_on"}
    missing = api.post("/api/oversight/public-reports/status/", {"code": "ABCDEFGHJKMN"}, format="json")
    garbage = api.post("/api/oversight/public-reports/status/", {"code": "%%%"}, format="json")
    assert missing.status_code == garbage.status_code == 404
    assert missing.json() == garbage.json()


def test_the_public_api_refuses_a_report_about_a_pregnant_woman(api: Any, district: Any) -> None:
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = api_report(api, about="pregnant_woman")
    assert response.status_code == 400
    assert response.json()["code"] == "refused" and "women" in response.json()["reason"]
    assert not TipOff.objects.exists()


def test_the_public_api_is_throttled_per_address(api: Any, district: Any) -> None:
    codes = [
        api.post("/api/oversight/public-reports/status/", {"code": "X"}, format="json").status_code for _ in range(31)
    ]
    assert codes[:30] == [404] * 30 and codes[30] == 429
    assert (
        api.post(
            "/api/oversight/public-reports/status/", {"code": "X"}, format="json", REMOTE_ADDR="192.0.2.9"
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"about": "sex_selection"},
        {"about": "astrology", "description": "x", "place": "y", "challenge_token": "t", "challenge_answer": "1"},
        {
            "about": "sex_selection",
            "description": "x",
            "place": "y",
            "challenge_token": "forged",
            "challenge_answer": "1",
        },
        {
            "about": "sex_selection",
            "description": "x" * 6000,
            "place": "y",
            "challenge_token": "t",
            "challenge_answer": "1",
        },
    ],
)
def test_bad_public_reports_get_a_400_and_change_nothing(api: Any, district: Any, body: dict[str, Any]) -> None:
    response = api.post("/api/oversight/public-reports/", body, format="json")
    assert response.status_code == 400 and response.json()["status"] == 400
    assert not TipOff.objects.exists()
