from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttles_and_media(settings: Any, tmp_path: Path) -> Any:
    """API throttles count in the cache and uploads land under MEDIA_ROOT: both fresh for every test."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    # The standing users' passwords need no strong hash here (Argon2 costs most of these tests' time).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    cache.clear()
