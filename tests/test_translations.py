"""The translation catalogs are complete, compiled and current.

`make messages` regenerates them (GNU gettext); the compiled .mo files are committed so `make run`
needs no gettext.
"""

import re
import shutil
import subprocess
import sys

import polib
import pytest

from tests.services import REPO, require

LANGUAGES = ["ru", "zh_Hans"]
DOMAINS = ["django", "djangojs"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def catalogs():
    for language in LANGUAGES:
        for domain in DOMAINS:
            po = REPO / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
            if po.exists() or domain == "django":
                yield pytest.param(po, id=f"{language}-{domain}")


@pytest.mark.parametrize("po_path", list(catalogs()))
def test_every_string_is_translated_with_its_placeholders(po_path):
    assert po_path.exists(), f"{po_path.relative_to(REPO)} is missing: run `make messages`"
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path.parent.parent.name}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {po_path.parent.parent.name}: {fuzzy[:10]}"
    for entry in po.translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = (list(entry.msgstr_plural.values()) if entry.msgid_plural
                        else [entry.msgstr])
        for text in translations:
            if entry.msgid_plural:
                # A plural form may leave out the count ("one address" style).
                assert set(PLACEHOLDER.findall(text)) <= set(
                    PLACEHOLDER.findall(entry.msgid + entry.msgid_plural)), entry.msgid
            else:
                assert sorted(PLACEHOLDER.findall(text)) == wanted, (entry.msgid, text)


@pytest.mark.parametrize("po_path", list(catalogs()))
def test_the_compiled_catalog_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.relative_to(REPO)} is missing: run `make messages`"
    po = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural))
          for e in polib.pofile(str(po_path)).translated_entries()}
    mo = {(e.msgctxt, e.msgid): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
          for e in polib.mofile(str(mo_path)) if e.msgid}
    assert mo == po, "the .mo is stale: run `make messages`"


def test_the_catalogs_hold_every_string_of_the_code_and_templates(tmp_path):
    """makemessages over a copy of the project finds no string the catalogs lack."""
    require(shutil.which("xgettext") is not None, "GNU gettext (xgettext) is not installed")
    copy = tmp_path / "src"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(
        ".venv", "var", ".git", "node_modules", "__pycache__", "test-results", "*.mo"))
    for domain in DOMAINS:
        extra = ["--ignore", "static/vendor/*"] if domain == "djangojs" else []
        result = subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-d", domain, "-l", "ru",
             "--no-obsolete", "--ignore", "tests/*", *extra],
            cwd=copy, capture_output=True, text=True, timeout=300,
            env={"PATH": "/usr/bin:/bin", "HELPDESK_VAR_DIR": str(tmp_path / "var"),
                 "HELPDESK_READ_DOT_ENV": "false"},
        )
        assert result.returncode == 0, result.stderr[-2000:]
        fresh_path = copy / "locale" / "ru" / "LC_MESSAGES" / f"{domain}.po"
        if not fresh_path.exists():
            continue
        fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(fresh_path)) if not e.obsolete}
        committed_path = REPO / "locale" / "ru" / "LC_MESSAGES" / f"{domain}.po"
        committed = ({(e.msgctxt, e.msgid) for e in polib.pofile(str(committed_path))}
                     if committed_path.exists() else set())
        missing = sorted(m for _, m in fresh - committed)
        assert not missing, f"{domain}: run `make messages` and translate: {missing[:15]}"
