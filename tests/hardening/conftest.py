"""Fixtures of the hardening tests: a forger (real signatures, no refusals) and the SOP."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardening.forge import Forger, Policy, load_policy


@pytest.fixture(scope="session")
def forger(keys: dict[str, Path]) -> Forger:
    return Forger(keys)


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()
