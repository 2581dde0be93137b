"""Production settings: ``manage.py check --deploy`` passes without a warning, and production
refuses to start without its secrets. Each check runs in a fresh process, since the settings
are read from the environment once, at import."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

# Variables of the developer's or CI's shell that would change what is checked here.
SETTINGS_VARIABLES = (
    "DJANGO_ENV",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser test; an error for check --deploy
    "FIELD_ENCRYPTION_KEYS",
    "NATIONAL_NUMBER_HASH_KEY",
    "CONN_MAX_AGE",
)
# The keys that encrypt national register numbers at rest (required in production).
ENCRYPTION_ENV = {
    "FIELD_ENCRYPTION_KEYS": "l4Yk3n0m8b2VJcJ7XyZ1tQ9m4sB0dE6fH2jK5nP8rT0=",
    "NATIONAL_NUMBER_HASH_KEY": "a-long-random-hmac-key-for-the-national-number-hash",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="rcd.example.be",
        **ENCRYPTION_ENV,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output
    assert "no issues" in output, output


@pytest.mark.parametrize(
    ("missing", "env"),
    [
        ("SECRET_KEY", {"ALLOWED_HOSTS": "rcd.example.be", **ENCRYPTION_ENV}),
        ("ALLOWED_HOSTS", {"SECRET_KEY": "x" * 64, **ENCRYPTION_ENV}),
        (
            "FIELD_ENCRYPTION_KEYS",
            {"SECRET_KEY": "x" * 64, "ALLOWED_HOSTS": "rcd.example.be"},
        ),
    ],
)
def test_production_refuses_to_start_without(missing, env):
    result = manage("check", DJANGO_ENV="production", **env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "ImproperlyConfigured" in output, output
    assert missing in output, output


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DJANGO_ENV": "production"}, "60 True"),  # a connection reused for a minute, checked
        ({"DJANGO_ENV": "production", "CONN_MAX_AGE": "0"}, "0 True"),
        ({}, "0 False"),  # development: one connection a request
    ],
)
def test_database_connections_are_reused_in_production(env, expected):
    if env.get("DJANGO_ENV") == "production":
        env = {**env, "SECRET_KEY": "x" * 64, "ALLOWED_HOSTS": "rcd.example.be", **ENCRYPTION_ENV}
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        **env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
