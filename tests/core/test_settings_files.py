"""The deployment files know every setting the app reads (SPEC 10)."""

from __future__ import annotations

import re

from webapp.config import PROJECT_ROOT

# Benchmark harness only: never set in a deployment.
NOT_FOR_DEPLOYMENT = {"BENCH_ENDPOINTS"}


def settings_read_by_config() -> set[str]:
    source = (PROJECT_ROOT / "webapp" / "config.py").read_text()
    names = set(re.findall(r'(?:env\.get|_int|_bool)\(\s*"([A-Z][A-Z0-9_]+)"', source))
    assert {"SECRET_KEY", "DATABASE_URL", "EXPORT_TTL_HOURS", "HTTPS"} <= names
    return names


def test_env_example_lists_every_setting():
    text = (PROJECT_ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert settings_read_by_config() - listed == set()


def test_docker_compose_passes_every_setting_to_the_app_containers():
    # A setting written in .env but not passed here would be silently ignored by compose.
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    app_env = text.split("environment: &app-env", 1)[1].split("\nservices:", 1)[0]
    passed = set(re.findall(r"^    ([A-Z][A-Z0-9_]+):", app_env, flags=re.MULTILINE))
    assert settings_read_by_config() - NOT_FOR_DEPLOYMENT - passed == set()
