from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, copy_repo, make_keys


def pytest_configure(config: pytest.Config) -> None:
    """Tests read Warta in English (their expected messages are the English source texts):
    LC_MESSAGES=en_US.UTF-8 for this process and every ``warta`` it starts, with LC_ALL
    (which would outrank it) unset. Tests of the language choice set their own."""
    import os

    from warta import i18n

    del config
    os.environ.pop("LC_ALL", None)
    os.environ["LC_MESSAGES"] = "en_US.UTF-8"
    i18n.set_language(None)
    _compile_warta()


def _compile_warta() -> None:
    """Warta's bytecode, written once, as an installed package has it: each of the thousands
    of ``warta`` and ``mkdocs`` processes the tests start then loads it instead of compiling
    every module again (which each does when PYTHONDONTWRITEBYTECODE is set, as on CI
    runners that set it). Up-to-date files are left as they are; xdist workers that race
    each write whole files."""
    import compileall

    import warta

    assert compileall.compile_dir(Path(warta.__file__).parent, quiet=2)


@pytest.fixture(scope="session", autouse=True)
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Warta's caches (this user's cache folder) for this test session only: a test never
    reads a cache another run left, and leaves none behind."""
    import os

    folder = tmp_path_factory.mktemp("cache-home")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    return folder


@pytest.fixture(scope="session", autouse=True)
def user_homes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """This user's state folder (the trust-on-first-use records) and configuration folder
    (the pin file) for this test session only: tests never touch the real home."""
    import os

    folders = {}
    for variable in ("XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        folders[variable] = tmp_path_factory.mktemp(variable.lower())
        os.environ[variable] = str(folders[variable])
    return folders


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """ed25519 keys made by ssh-keygen, one per person, shared by the session."""
    return make_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def signed_repo(
    tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]
) -> Iterator[SignedRepos]:
    """Signed sample repositories, each built once per session (per xdist worker):
    ``signed_repo(*steps)`` is :func:`helpers.make_repo` followed by ``steps``. Only to be
    read: tests write into copies (``site``, ``repo``), and the session checks at its end
    that every sample is still as it was built."""
    samples = SignedRepos(tmp_path_factory.mktemp, keys)
    yield samples
    assert not samples.changed(), "a test wrote into a shared sample instead of a copy"


@pytest.fixture
def site(template: Repo, tmp_path: Path) -> Repo:
    """A copy of the test module's ``template`` for one test, with the template's
    environment. Modules define ``template``, and their own ``site`` for another
    environment."""
    return copy_repo(template, tmp_path / "repo")


@pytest.fixture
def repo(tmp_path: Path, signed_repo: SignedRepos) -> Repo:
    """A fresh Warta repository with signed workflow files and a pinned trust root: a copy
    of the session's bare sample (:func:`helpers.make_repo`, no items)."""
    return copy_repo(signed_repo(), tmp_path / "repo")
