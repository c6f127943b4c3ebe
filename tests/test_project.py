"""The project's own wiring: settings from the environment, docker-compose
consistency, deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


SETUP = (
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
    "import django; django.setup(); from django.conf import settings as s; "
)


def test_the_embedded_default_is_sqlite_and_in_process_jobs():
    result = run_python(
        SETUP
        + "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.TIME_ZONE, s.LANGUAGE_CODE, s.USE_TZ)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "Europe/Stockholm", "sv", "True"]


def test_database_and_redis_come_from_the_environment():
    result = run_python(
        SETUP
        + "db = s.DATABASES['default']; "
        + "print(db['ENGINE'], db['NAME'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)",
        DATABASE_URL="postgres://u:p@db:5432/assistanstid",
        REDIS_URL="redis://redis:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "assistanstid", "redis://redis:6379/0", "False"]


def test_a_malformed_boolean_fails_loudly():
    result = run_python(SETUP, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={
            # The browser tests' conftest allows sync ORM calls in their event loop;
            # a deployment never does (async.E001).
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
            },
            "DEBUG": "false",
            "SECRET_KEY": "x" * 30 + "production-secret-key-with-enough-entropy-1234567",
            "ALLOWED_HOSTS": "assistanstid.example.se",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    # Clean: HSTS preload is on by default in production (docs/security.md).
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_docker_compose_matches_the_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert "gunicorn config.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert services["beat"]["command"].startswith("celery -A config beat")
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert env["DEBUG"] == "false"
        assert "SECRET_KEY" in env
        # every variable given is one the settings module reads
        settings_text = (ROOT / "config" / "settings.py").read_text()
        for variable in env:
            assert f'"{variable}"' in settings_text, variable
    db = services["db"]
    user, password, name = (db["environment"][k] for k in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"))
    assert services["web"]["environment"]["DATABASE_URL"] == f"postgres://{user}:{password}@db:5432/{name}"
    for name in ("web", "worker", "db", "redis"):
        assert "healthcheck" in services[name], name
    assert "pgdata" in compose["volumes"]
    assert any(v.startswith("pgdata:") for v in db["volumes"])
    assert (ROOT / "config" / "celery.py").exists()


def test_every_environment_variable_is_listed_in_env_example():
    import re

    settings_text = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:bool|int|list)?\("([A-Z_]+)"', settings_text))
    read |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_text))
    listed = {
        line.split("=")[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert read - listed == set()
