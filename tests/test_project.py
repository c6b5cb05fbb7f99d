"""Project-wide guarantees: migrations, lint, import contracts, translations, public pages in
every language, the Procfile, and documented settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from django.conf import settings
from django.utils import translation

from tests.services import REPO

BIN = Path(sys.executable).parent
LANGUAGE_CODES = ["en", "ru", "zh-hans"]
PUBLIC_PAGES = ["/", "/accounts/login/"]
APP_PACKAGES = ["helpdesk", "accounts", "orders", "faq"]


def clean_env(**extra: str) -> dict[str, str]:
    """The embedded default: no service variables, no .env file."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HELPDESK_READ_DOT_ENV": "false",
            "LOG_LEVEL": "WARNING", **extra}


def run(args: list[str], **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO, env=clean_env(**extra), capture_output=True,
                          text=True, timeout=300)


def test_models_and_migrations_agree(tmp_path):
    result = run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
                 HELPDESK_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing():
    result = run([str(BIN / "ruff"), "check", "--no-cache", "."])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_import_contracts_hold():
    result = run([str(BIN / "lint-imports"), "--no-cache"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_imports_itself_through_others():
    """No import cycle between modules, imports inside functions included (grimp counts them).
    The contract "No import cycles" (acyclic_siblings) covers siblings at every depth; this
    also catches a package's ``__init__`` and one of its own modules importing each other."""
    graph = grimp.build_graph(*APP_PACKAGES, cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported > module and graph.chain_exists(importer=imported, imported=module):
                back = graph.find_shortest_chain(importer=imported, imported=module)
                cycles.append(" -> ".join([module, *back]))
    assert cycles == []


def html_lang(content: bytes) -> str:
    match = re.search(rb'<html lang="([^"]+)"', content)
    assert match, content[:200]
    return match.group(1).decode()


def expected_brand(language: str) -> str:
    with translation.override(language):
        return translation.gettext("Help center")


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_public_pages_render_in_the_language_the_browser_asks_for(client, path, language):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert html_lang(response.content) == language
    assert response.headers["Content-Language"] == language
    assert expected_brand(language) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_public_pages_render_in_the_language_the_cookie_chose(client, path, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # The cookie wins over the browser's own preference.
    other = "ru" if language != "ru" else "en"
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=other)
    assert response.status_code == 200
    assert html_lang(response.content) == language
    assert expected_brand(language) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_healthz_answers_in_every_language(client, language):
    response = client.get("/healthz", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_the_language_switcher_sets_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert html_lang(client.get("/").content) == "zh-hans"


def test_the_procfile_names_web_worker_and_beat():
    result = run([str(BIN / "honcho"), "check"])
    assert result.returncode == 0, result.stdout + result.stderr
    processes = {
        line.split(":", 1)[0]: line.split(":", 1)[1].strip()
        for line in (REPO / "Procfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert set(processes) == {"web", "worker", "beat"}
    assert "uvicorn helpdesk.asgi:application" in processes["web"]
    assert "celery -A helpdesk worker" in processes["worker"]
    assert "celery -A helpdesk beat" in processes["beat"]


def settings_variables() -> set[str]:
    # settings.py and the module it calls for the values that are logic (settings_env.py).
    source = "".join((REPO / "helpdesk" / name).read_text()
                     for name in ("settings.py", "settings_env.py"))
    return set(re.findall(r'env(?:\(\))?\.\w+\(\s*"([A-Z][A-Z0-9_]*)"', source)) | set(
        re.findall(r'Env\(\)\.\w+\(\s*"([A-Z][A-Z0-9_]*)"', source)
    )


def test_every_settings_variable_is_in_env_example():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (REPO / ".env.example").read_text(),
                                re.MULTILINE))
    variables = settings_variables()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SITE_URL"} <= variables
    assert sorted(variables - documented) == []


def test_every_settings_variable_is_explained_in_the_docs():
    docs = (REPO / "README.md").read_text() + (REPO / "docs" / "configuration.md").read_text()
    assert sorted(v for v in settings_variables() if not re.search(rf"\b{v}\b", docs)) == []


def test_no_link_is_built_from_the_request_host():
    """Absolute links come from settings.SITE_URL, never from a request's Host header."""
    offenders = []
    for package in APP_PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            text = path.read_text()
            for needle in ("build_absolute_uri(", "get_current_site("):
                if needle in text:
                    offenders.append(f"{path.relative_to(REPO)}: {needle}")
    assert offenders == []
