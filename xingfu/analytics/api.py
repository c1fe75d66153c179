"""API viewsets of this app. ``routes`` is read by xingfu/api_urls.py: (prefix, viewset, basename)."""

from typing import Any

routes: list[tuple[str, Any, str]] = []
