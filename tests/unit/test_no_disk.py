"""The no-disk guard of tests/unit is real: these would pass silently without it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

DISK = "unit tests must not touch the disk"


def test_reading_a_file_fails_a_unit_test() -> None:
    with pytest.raises(AssertionError, match=DISK):
        Path("pyproject.toml").read_text()


def test_listing_and_stat_fail_a_unit_test() -> None:
    with pytest.raises(AssertionError, match=DISK):
        os.listdir(".")
    with pytest.raises(AssertionError, match=DISK):
        Path(".").exists()


def test_starting_a_process_fails_a_unit_test() -> None:
    with pytest.raises(AssertionError, match=DISK):
        subprocess.run(["true"], check=False)
