"""The set-up promises of README.md: a clear message when the system lacks what PyICU needs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def _bin_dir_without(tmp_path: Path, missing: set[str]) -> Path:
    """A PATH folder offering the tools `make system-check` uses, except ``missing``."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in ("sh", "python3", "pkg-config", "c++"):
        if tool in missing:
            continue
        found = sys.executable if tool == "python3" else shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} is not installed here")
        (bindir / tool).symlink_to(found)
    return bindir


def _system_check(bindir: Path) -> subprocess.CompletedProcess[str]:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    return subprocess.run(
        [make, "--no-print-directory", "system-check", "PYTHON=python3"],
        cwd=REPO,
        env={**os.environ, "PATH": str(bindir)},
        capture_output=True,
        text=True,
    )


def test_system_check_passes_here(tmp_path: Path) -> None:
    result = _system_check(_bin_dir_without(tmp_path, set()))
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_pkg_config_is_named(tmp_path: Path) -> None:
    result = _system_check(_bin_dir_without(tmp_path, {"pkg-config"}))
    assert result.returncode != 0
    assert "pkg-config" in result.stdout and "libicu-dev" in result.stdout


def test_missing_icu_headers_are_named(tmp_path: Path) -> None:
    bindir = _bin_dir_without(tmp_path, {"pkg-config"})
    fake = bindir / "pkg-config"  # a pkg-config that knows no ICU, as on a machine without libicu-dev
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = _system_check(bindir)
    assert result.returncode != 0 and "libicu-dev" in result.stdout
