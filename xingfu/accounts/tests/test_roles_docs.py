from pathlib import Path

from django.conf import settings

from xingfu.accounts.roles import PERMISSIONS, Perm, permission_table_markdown


def test_every_permission_has_a_row_in_the_table() -> None:
    assert set(PERMISSIONS) == set(Perm)


def test_the_architecture_doc_shows_the_permission_table_as_the_code_has_it() -> None:
    doc = (Path(settings.BASE_DIR) / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert permission_table_markdown() in doc, "regenerate it with: xingfu roles"
