"""One publication policy: ``warta validate`` and ``warta build`` agree on every item, with and
without ``--strict`` (issue 9, point 6).

For each repository, the items ``warta validate [--strict] --format json`` calls publishable
are exactly the items ``warta build [--strict]`` publishes, read from the built site (every
page with a provenance box, by the item file its verify command names, at the item's URL);
under ``--strict`` both exit 1 or both exit 0. Two repositories: the bundled sample as it is
(pinned, and unpinned, where a workflow warning blocks every item under --strict), and the
malformed corpus of tests/hardening/corpus/ (unsigned, and behind perfect signature chains)
beside approved items at every level: clean, with a warning, with a notice, with personal
data, with an error. On the sample, ``warta verify [--strict]`` and a plain ``mkdocs build
[--strict]`` (the plugin alone) agree too.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from hardening.forge import APPROVAL, Forger, Policy
from hardening.test_malformed_input import (
    CASES,
    FIRSTS,
    NEWS,
    POSITIONS,
    POSYANDU,
    SIGNED,
    corpus_text,
    position_variant,
    rel,
    runtime_files,
    valid_text,
)
from helpers import MAIN, Repo, make_repo, warta_exe

PROVENANCE = re.compile(
    r'<aside class="warta-provenance".*?warta verify (\S+) --trust-root', re.DOTALL
)


@dataclass(frozen=True)
class Tree:
    """A repository to judge, and the environment its commands run in."""

    root: Path
    env: dict[str, str]


def command(tree: Tree, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=tree.root, env=tree.env, capture_output=True, text=True, timeout=600,
        check=False,
    )


def published(site: Path) -> set[str]:
    """The items a built site publishes: the item file each provenance box names, checked to
    sit at that item's URL."""
    out: set[str] = set()
    for page in sorted(site.rglob("*.html")):
        found = PROVENANCE.search(page.read_text(encoding="utf-8"))
        if found is None:
            continue
        path = html.unescape(found.group(1))
        url = path.removeprefix("content/").removesuffix("index.md")
        assert page.relative_to(site).as_posix() == f"{url}index.html", (page, path)
        out.add(path)
    return out


def publishable(data: dict) -> set[str]:  # type: ignore[type-arg]
    return {item["path"] for item in data["items"] if item["publishable"]}


def disagreements(judged: set[str], built: set[str]) -> dict[str, tuple[bool, bool]]:
    """Per item: (publishable by validate, published by the build), where they differ."""
    return {path: (path in judged, path in built) for path in sorted(judged ^ built)}


def agree(tree: Tree, out: Path, *, strict: bool) -> set[str]:
    """Run validate and build over ``tree`` and assert that they agree; the published set."""
    flag = ("--strict",) if strict else ()
    validated = command(tree, warta_exe(), "validate", "--format", "json", *flag)
    assert validated.returncode in (0, 1), validated.stderr
    data = json.loads(validated.stdout)
    judged = publishable(data)
    build = command(tree, warta_exe(), "build", *flag, "-d", str(out))
    assert "Traceback" not in build.stderr, build.stderr
    assert build.returncode in (0, 1), build.stderr
    built = published(out)
    if strict:  # both refuse, or neither
        assert build.returncode == validated.returncode, (validated.stdout, build.stderr)
    else:  # a plain build leaves out what it may not publish, and succeeds
        assert build.returncode == 0, build.stderr
    if build.returncode == 1:
        # a refused build leaves nothing to deploy; what it would have published is what the
        # plain build of the same tree publishes (the other case compares it), and validate
        # says so
        assert built == set(), build.stderr[-3000:]
        return judged
    assert disagreements(judged, built) == {}, build.stderr[-3000:]
    return built


# ---- the bundled sample ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    """A copy of this repository's sample newsroom (content, workflow, mkdocs.yml) in a git
    repository of its own."""
    root = tmp_path_factory.mktemp("sample") / "repo"
    root.mkdir()
    shutil.copy(MAIN / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("content", "workflow"):
        shutil.copytree(MAIN / folder, root / folder)
    for args in (
        ("init", "-q", "-b", "main"),
        ("config", "user.name", "Warta Test"),
        ("config", "user.email", "test@warta.invalid"),
        ("config", "commit.gpgsign", "false"),
        ("add", "-A"),
        ("commit", "-q", "-m", "the bundled sample"),
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k != "WARTA_TRUST_ROOT"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    shown = command(Tree(root, env), warta_exe(), "trust", "show")
    assert shown.returncode == 0, shown.stderr
    env["WARTA_TRUST_ROOT"] = shown.stdout.split()[0]
    return Tree(root, env)


def unpinned(tree: Tree) -> Tree:
    return Tree(tree.root, {k: v for k, v in tree.env.items() if k != "WARTA_TRUST_ROOT"})


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_validate_and_build_agree_on_the_bundled_sample(
    sample: Tree, tmp_path: Path, strict: bool
) -> None:
    built = agree(sample, tmp_path / "site", strict=strict)
    # the sample as documented: approved and printed items are published (with their Mutu
    # Baku and demo-key notices, even under --strict), and so is the one returned and approved
    # again; the edited one, the withdrawn one, the one under embargo (until 2045) and the
    # drafts are not
    assert len(built) == 8
    assert "content/berita/2026/puskesmas-rawat-inap-mekarjaya/index.md" not in built
    assert "content/berita/2026/curug-wisata-mekarjaya/index.md" not in built
    assert "content/berita/2026/kapsul-waktu-hari-jadi/index.md" not in built
    assert "content/berita/2026/bazar-umkm-sukamaju-kota/index.md" in built
    assert "content/berita/2026/betonisasi-jalan-tanjungwaru/index.md" in built  # a notice


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_validate_and_build_agree_on_the_unpinned_sample(
    sample: Tree, tmp_path: Path, strict: bool
) -> None:
    built = agree(unpinned(sample), tmp_path / "site", strict=strict)
    if strict:  # the warning trust.unpinned blocks every item, in both
        assert built == set()


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_verify_and_the_plugin_agree_with_validate_on_the_bundled_sample(
    sample: Tree, tmp_path: Path, strict: bool
) -> None:
    flag = ("--strict",) if strict else ()
    data = json.loads(command(sample, warta_exe(), "validate", "--format", "json", *flag).stdout)
    verifying = {
        item["path"]: subprocess.Popen(
            [warta_exe(), "verify", *flag, item["path"]],
            cwd=sample.root, env=sample.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for item in data["items"]
    }
    verified = set()
    for path, process in verifying.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode in (0, 1), (path, out, err)
        if process.returncode == 0:
            verified.add(path)
    assert disagreements(publishable(data), verified) == {}
    out = tmp_path / "mkdocs-site"
    mkdocs = command(sample, sys.executable, "-m", "mkdocs", "build", *flag, "-d", str(out))
    assert "Traceback" not in mkdocs.stderr, mkdocs.stderr
    assert disagreements(publishable(data), published(out)) == {}, mkdocs.stderr[-3000:]


# ---- the malformed corpus, beside approved items at every level --------------------------------

#: approved items, signed outside Warta's refusals: slug -> (what is special, late approval)
LEVELS = {
    "tingkat-bersih": "",
    "tingkat-peringatan": "catatan_redaksi: kunci yang tidak dikenal\n",  # schema.unknown-key
    "tingkat-catatan": "",  # approved two hours late: mutu-baku.exceeded, a notice
    "tingkat-data-pribadi": "",  # a mobile number in the description: personal data
    "tingkat-berkas-tersembunyi": "",  # a hidden file in the folder: files.hidden, a warning
    "tingkat-kesalahan": "",  # edited after approval: an error
}


def level_items(repo: Repo, forger: Forger, policy: Policy) -> None:
    for number, (slug, extra) in enumerate(LEVELS.items()):
        text = valid_text(f"20261102-tingkat-{number}", slug)
        text = text.replace("status: usulan\n", f"{extra}status: usulan\n")
        if slug == "tingkat-data-pribadi":
            text = text.replace(
                "description: Jembatan gantung baru menghubungkan dua desa.",
                "description: Warga dapat menghubungi 0812-3456-7890.",
            )
        chain = APPROVAL
        if slug == "tingkat-catatan":
            chain = (*APPROVAL[:4], ("pengesahan", "hendra", "12:08"))
        signed = forger.sign_chain(text, chain, policy=policy)
        if slug == "tingkat-kesalahan":
            signed = signed.replace("di Desa Cibening.", "di Desa Cibening, kemarin.")
        repo.write(rel(slug), signed)
    repo.write(f"{NEWS}/tingkat-berkas-tersembunyi/.catatan", "coretan\n")


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path], forger: Forger,
    policy: Policy,
) -> Tree:
    top = tmp_path_factory.mktemp("corpus")
    repo = make_repo(top / "repo", keys)
    repo.approved_item("Bupati Resmikan Jembatan Gantung Cibening", slug="jembatan")
    repo.approved_item("Posyandu Karangsari Turunkan Angka Stunting", slug="posyandu")
    crlf = repo.path(POSYANDU).read_bytes().replace(b"\n", b"\r\n")
    repo.path(POSYANDU).write_bytes(crlf)
    level_items(repo, forger, policy)
    repo.commit_all("approved items at every level")
    for name, case in CASES.items():
        text = corpus_text(name)
        if name in SIGNED:  # the same defect behind a perfect signature chain
            text = forger.sign_chain(text, policy=policy)
        repo.write(rel(name, case.where), text)
    for name in FIRSTS:
        repo.write(rel(name), forger.sign_chain(corpus_text(name), policy=policy))
    for line in POSITIONS:
        repo.write(rel(f"posisi-{line}"), position_variant(line))
    outside = top / "outside"
    outside.mkdir()
    runtime_files(repo, outside)
    env = {**os.environ, **repo.env, "NO_MKDOCS_2_WARNING": "1"}
    return Tree(repo.root, env)


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_validate_and_build_agree_on_the_malformed_corpus(
    corpus: Tree, tmp_path: Path, strict: bool
) -> None:
    built = agree(corpus, tmp_path / "site", strict=strict)
    always = {rel(s) for s in ("tingkat-bersih", "tingkat-catatan", "jembatan", "posyandu")}
    assert always <= built  # a notice never blocks
    assert rel("tingkat-kesalahan") not in built  # an error always does
    assert rel("tingkat-data-pribadi") not in built or not strict
    warned = {rel("tingkat-peringatan"), rel("tingkat-berkas-tersembunyi")}
    assert (warned <= built) is not strict  # a warning blocks under --strict only
    assert warned & built == (set() if strict else warned)
