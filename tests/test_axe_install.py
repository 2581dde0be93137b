"""axe-core, for the accessibility test in Chromium (tests/test_accessibility_browser.py), is
pinned to one version from the npm registry, and its absence fails that test with the command
that installs it: CI must never pass without having run it (issue #16)."""

import json
from pathlib import Path

import pytest

from . import browser_support

PACKAGE = Path(__file__).resolve().parent / "browser"


def test_axe_core_is_pinned_to_one_version_with_its_integrity():
    wanted = json.loads((PACKAGE / "package.json").read_text())["devDependencies"]["axe-core"]
    assert wanted[0].isdigit(), f"axe-core {wanted!r}: an exact version, no range"
    locked = json.loads((PACKAGE / "package-lock.json").read_text())["packages"]
    entry = locked["node_modules/axe-core"]
    assert entry["version"] == wanted
    assert entry["integrity"].startswith("sha512-")


def test_a_missing_axe_core_fails_with_the_command_that_installs_it(monkeypatch, tmp_path):
    monkeypatch.setattr(browser_support, "AXE_JS", tmp_path / "axe.min.js")
    with pytest.raises(pytest.fail.Exception, match="npm ci --prefix tests/browser"):
        browser_support.axe_script()
