"""Photos and clippings: only JPEG, PNG or PDF by their first bytes, at most 5 MB, served only in scope."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xingfu.core.errors import ValidationFailed
from xingfu.outreach import services
from xingfu.outreach.models import Attachment
from xingfu.outreach.tests.factories import JPEG, PDF, PNG, make_event


@pytest.fixture
def event(town_officer: Any, campaign: Any, village: Any) -> Any:
    return make_event(town_officer, campaign, village)


def test_a_photo_is_stored_under_media_root_with_a_name_we_choose(
    town_officer: Any, event: Any, media_root: Path
) -> None:
    photo = services.attachment_add(
        actor=town_officer, upload=SimpleUploadedFile("赶集日.png", PNG, "image/png"), event=event
    )
    assert photo.content_type == "image/png" and photo.size == len(PNG) and photo.original_name == "赶集日.png"
    stored = Path(photo.file.path)
    assert stored.is_relative_to(media_root) and stored.read_bytes() == PNG
    assert "赶集日" not in stored.name and stored.suffix == ".png"


def test_the_type_is_read_from_the_bytes_not_the_name(town_officer: Any, event: Any) -> None:
    disguised = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not really a photo", "image/jpeg")
    with pytest.raises(ValidationFailed) as refused:
        services.attachment_add(actor=town_officer, upload=disguised, event=event)
    assert "JPEG" in str(refused.value.message)
    # A real JPEG with a misleading name is accepted as what it is.
    accepted = services.attachment_add(
        actor=town_officer, upload=SimpleUploadedFile("scan.pdf", JPEG, "application/pdf"), event=event
    )
    assert accepted.content_type == "image/jpeg"


def test_a_gif_is_not_accepted(town_officer: Any, event: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.attachment_add(
            actor=town_officer, upload=SimpleUploadedFile("a.gif", b"GIF89a" + b"\x00" * 20), event=event
        )
    assert not Attachment.objects.exists()


def test_a_file_over_5_mb_is_refused_and_nothing_is_stored(town_officer: Any, event: Any, media_root: Path) -> None:
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024), "image/png")
    with pytest.raises(ValidationFailed) as refused:
        services.attachment_add(actor=town_officer, upload=big, event=event)
    assert "5 MB" in str(refused.value.message)
    assert not Attachment.objects.exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_an_empty_file_is_refused(town_officer: Any, event: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.attachment_add(actor=town_officer, upload=SimpleUploadedFile("e.png", b""), event=event)


def _photo(town_officer: Any, event: Any, content: bytes = PNG, name: str = "p.png") -> Attachment:
    return services.attachment_add(actor=town_officer, upload=SimpleUploadedFile(name, content), event=event)


def test_a_photo_is_shown_to_a_signed_in_user_in_scope(client: Any, town_officer: Any, event: Any) -> None:
    photo = _photo(town_officer, event)
    client.force_login(town_officer)
    response = client.get(f"/outreach/attachments/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "private" in response["Cache-Control"]


def test_a_pdf_is_downloaded_not_opened(client: Any, town_officer: Any, event: Any) -> None:
    pdf = _photo(town_officer, event, PDF, "leaflet.pdf")
    client.force_login(town_officer)
    response = client.get(f"/outreach/attachments/{pdf.pk}/")
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("attachment")


def test_a_photo_is_not_served_outside_the_scope_or_without_login(
    client: Any, town_officer: Any, other_town_officer: Any, event: Any
) -> None:
    photo = _photo(town_officer, event)
    assert client.get(f"/outreach/attachments/{photo.pk}/").status_code == 302  # to the login page
    client.force_login(other_town_officer)
    assert client.get(f"/outreach/attachments/{photo.pk}/").status_code == 404


def test_media_root_is_not_served_as_public_media(client: Any, town_officer: Any, event: Any) -> None:
    photo = _photo(town_officer, event)
    client.force_login(town_officer)
    assert client.get(f"/media/{photo.file.name}").status_code == 404


def test_the_event_page_refuses_a_bad_upload_with_a_reason(client: Any, town_officer: Any, event: Any) -> None:
    client.force_login(town_officer)
    response = client.post(
        f"/outreach/events/{event.pk}/attachments/", {"file": SimpleUploadedFile("x.png", b"not an image")}
    )
    assert response.status_code == 400
    assert "JPEG" in response.content.decode()
    assert not Attachment.objects.exists()
    ok = client.post(f"/outreach/events/{event.pk}/attachments/", {"file": SimpleUploadedFile("x.png", PNG)})
    assert ok.status_code == 302 and event.attachments.count() == 1
