"""Settings as an operator meets them: run the real `xingfu` command in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qm2$vL9pX!cR4tY8wZ1nB6hJ3sD5fG0aE-uI_oP*eK&lM^q",
    "ALLOWED_HOSTS": "xingfu.example.gov",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_COOKIES": "1",
}


def _xingfu(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # A production process starts from a clean environment, not the test runner's (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE for their whole session).
    unset = {
        "DEBUG",
        "SECRET_KEY",
        "SECURE_SSL_REDIRECT",
        "SECURE_COOKIES",
        "ALLOWED_HOSTS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    base = {k: v for k, v in os.environ.items() if k not in unset}
    base["XINGFU_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "xingfu", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_check_deploy_with_production_settings_reports_no_warnings(tmp_path: Path) -> None:
    result = _xingfu(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_a_production_install_refuses_to_start(tmp_path: Path) -> None:
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = _xingfu(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_local_use_generates_and_keeps_a_secret_key(tmp_path: Path) -> None:
    assert _xingfu(["check"], {"DEBUG": "1", "SECRET_KEY": ""}, tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    _xingfu(["check"], {"DEBUG": "1", "SECRET_KEY": ""}, tmp_path)
    assert (tmp_path / "secret_key").read_text() == key


WRITER = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xingfu.settings")
django.setup()
from xingfu.audit.services import audit_record
for i in range(40):
    audit_record(actor=None, action="test.concurrent", object_id=f"{sys.argv[1]}-{i}")
"""


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite behaviour")
def test_concurrent_writers_on_sqlite_wait_for_each_other_instead_of_failing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DEBUG": "1", "XINGFU_VAR_DIR": str(tmp_path)})
    subprocess.run([sys.executable, "-m", "xingfu", "migrate", "-v0"], env=env, check=True, timeout=180)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(n)], env=env, stderr=subprocess.PIPE, text=True)
        for n in range(3)
    ]
    errors = [w.communicate(timeout=180)[1] for w in writers]
    assert [w.returncode for w in writers] == [0, 0, 0], errors
    verify = subprocess.run(
        [sys.executable, "-m", "xingfu", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert "120 events" in verify.stdout or "events verified" in verify.stdout
    import sqlite3

    db = sqlite3.connect(tmp_path / "xingfu.sqlite3")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM audit_auditevent WHERE action='test.concurrent'").fetchone()[0] == 120
    finally:
        db.close()
