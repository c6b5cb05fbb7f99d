"""Security headers, the no-inline-script rule, and static files served by the app itself."""

import os
import re
import secrets
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser

import pytest

from tests.conftest import AsgiServer
from tests.services import REPO, redis_url, require


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class ScriptFinder(HTMLParser):
    """Collect inline scripts and on* event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.script_srcs: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            if attributes.get("src"):
                self.script_srcs.append(attributes["src"])
            elif attributes.get("type") != "application/json":
                self._in_inline_script = True
                self.inline_scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script:
            self.inline_scripts[-1] += data


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_help_center_pages_send_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = csp_directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_help_center_pages_carry_no_inline_script(client, path):
    finder = ScriptFinder()
    finder.feed(client.get(path).content.decode())
    assert finder.inline_scripts == []
    assert finder.handlers == []
    assert finder.script_srcs, "the page's behaviour comes from /static/"
    assert all(src.startswith("/static/") for src in finder.script_srcs)


@pytest.mark.django_db
def test_admin_keeps_working_under_the_policy(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert b"Help desk" in response.content
    policy = csp_directives(response.headers["Content-Security-Policy"])
    # Django's admin templates use style attributes, never inline script.
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'none'"]
    finder = ScriptFinder()
    finder.feed(response.content.decode())
    assert finder.inline_scripts == []
    # A change list, with its own JavaScript, renders too.
    assert admin_client.get("/admin/accounts/user/").status_code == 200


@pytest.mark.django_db
def test_admin_login_page_answers_anonymous_users(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers


def test_static_files_are_served_by_whitenoise_in_debug(client):
    response = client.get("/static/css/helpcenter.css")
    assert response.status_code == 200
    assert type(response).__name__ == "WhiteNoiseFileResponse"
    body = b"".join(response.streaming_content)
    assert body == (REPO / "static" / "css" / "helpcenter.css").read_bytes()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.e2e
def test_static_files_are_served_by_whitenoise_with_debug_off(tmp_path, transactional_db):
    url = redis_url(db=4)
    require(bool(url), "Redis is needed: with DEBUG off the server refuses the in-memory layer")
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "REDIS_URL": url,
        "HELPDESK_VAR_DIR": str(tmp_path / "var"),
        "HELPDESK_READ_DOT_ENV": "false",
        "SECURE_SSL_REDIRECT": "false",
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=REPO,
        env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
    )
    assert collected.returncode == 0, collected.stderr
    assert (tmp_path / "var" / "staticfiles" / "staticfiles.json").exists()

    server = AsgiServer(extra_env=env).start()
    try:
        with urllib.request.urlopen(f"{server.url}/", timeout=10) as response:
            page = response.read().decode()
            headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
        # The manifest storage gave the stylesheet a content-hashed name...
        href = re.search(r'href="(/static/css/helpcenter\.[0-9a-f]{12}\.css)"', page)
        assert href, page
        with urllib.request.urlopen(f"{server.url}{href.group(1)}", timeout=10) as response:
            body = response.read()
            cache_control = response.headers["Cache-Control"]
        # ...which whitenoise serves as immutable, straight from STATIC_ROOT.
        assert body == (REPO / "static" / "css" / "helpcenter.css").read_bytes()
        assert "immutable" in cache_control
    finally:
        server.stop()
