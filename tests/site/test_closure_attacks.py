"""The publication closure, attacked through the CLI as someone who can push a branch but holds
neither the Kabag's nor an administrator's key would attack it.

Each attack is made on a fresh copy of one honest, signed repository (two approved items,
one with a photo and a PDF, and the site's own pages, all signed). For each, three things
hold: ``warta build --strict`` fails; a plain ``warta build`` leaves the attacker's content
out (its canary is in no output file's name or text) or, where the site's configuration
itself is attacked, builds nothing at all; and the message names the file and the reason.
The honest repository itself builds with ``--strict``.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sitekit import SVG, SiteRepo, add_item, copy_site_config

from helpers import make_repo, warta_exe

CANARY = "kanariserang"
SECRET = "kanari-rahasia-ci"  # an environment variable's value, as CI holds deploy tokens
PASAR = "content/berita/2026/pasar-tani-cigintung"
POSYANDU = "content/berita/2026/posyandu-melati"


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> SiteRepo:
    site = SiteRepo(make_repo(tmp_path_factory.mktemp("honest") / "repo", keys))
    copy_site_config(site.root)
    lampiran = site.root / PASAR / "lampiran"
    lampiran.mkdir(parents=True)
    (lampiran / "laporan.pdf").write_bytes(b"%PDF-1.4 laporan pasar tani\n%%EOF\n")
    add_item(
        site,
        "pasar",
        title="Pasar Tani Cigintung Dibuka",
        slug="pasar-tani-cigintung",
        day="2026-10-10",
        body="PASIRLAYA – Pasar tani dibuka setiap Sabtu. Unduh [laporan](lampiran/laporan.pdf).\n",
        categories=["Kecamatan Pasirlaya", "Pertanian"],
        steps=5,
        image="pasar.svg",
        published=True,
    )
    add_item(
        site,
        "posyandu",
        title="Posyandu Melati Turunkan Stunting",
        slug="posyandu-melati",
        day="2026-11-02",
        body="KARANGSARI – Kader menimbang balita setiap bulan.\n",
        categories=["Kecamatan Karangsari", "Kesehatan"],
        steps=5,
        image="posyandu.svg",
        published=True,
    )
    site.repo.commit_all("berita")
    return site


@dataclass(frozen=True)
class Result:
    strict: subprocess.CompletedProcess[str]
    plain: subprocess.CompletedProcess[str]
    out: Path
    root: Path

    @property
    def log(self) -> str:
        return self.strict.stderr + self.plain.stderr


def run(root: Path, site: SiteRepo, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**site.env(), "WARTA_SECRET_TOKEN": SECRET}
    return subprocess.run(
        [warta_exe(), *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def clone(honest: SiteRepo, tmp_path: Path) -> Path:
    """A private copy of the honest repository (links kept as links) for one attack."""
    root = tmp_path / "repo"
    shutil.copytree(honest.root, root, symlinks=True)
    return root


def attack(honest: SiteRepo, tmp_path: Path, change: Callable[[Path], object]) -> Result:
    root = clone(honest, tmp_path)
    change(root)
    strict = run(root, honest, "build", "--strict", "-d", str(tmp_path / "strict"))
    out = tmp_path / "site"
    plain = run(root, honest, "build", "-d", str(out))
    return Result(strict, plain, out, root)


def traces(out: Path, *needles: str) -> list[str]:
    """Every output file whose name or text holds one of ``needles`` (.gz unpacked)."""
    found: list[str] = []
    if not out.exists():
        return found
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if any(n.lower() in rel.lower() for n in needles):
            found.append(f"name: {rel}")
            continue
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace").lower()
        found.extend(f"content: {rel}" for n in needles if n.lower() in text)
    return found


def content_left_out(result: Result, rule: str, where: str, *needles: str) -> None:
    """The three promises for an attack on content: strict fails, naming file and rule; the
    plain build succeeds and holds nothing of the attacker's; the honest items are there."""
    assert result.strict.returncode == 1, result.strict.stderr
    assert f"{where}" in result.strict.stderr and f"[{rule}]" in result.strict.stderr, (
        result.strict.stderr
    )
    assert result.plain.returncode == 0, result.plain.stderr
    assert traces(result.out, CANARY, *needles) == []


def nothing_built(result: Result, rule: str, *needles: str) -> None:
    """The promises for an attack on the site's configuration: no build at all (strict or
    plain), before any code from the change runs, with the rule named."""
    for build in (result.strict, result.plain):
        assert build.returncode == 1, build.stderr
        assert f"[{rule}]" in build.stderr, build.stderr
        assert "nothing is built" in build.stderr
        assert "Traceback" not in build.stderr
    assert not result.out.exists()


def test_the_honest_repository_builds_strictly(honest: SiteRepo, tmp_path: Path) -> None:
    result = run(honest.root, honest, "build", "--strict", "-d", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "site"
    assert (out / "berita/2026/pasar-tani-cigintung/lampiran/laporan.pdf").is_file()
    assert (out / "berita/2026/posyandu-melati/images/posyandu.svg").is_file()
    assert (out / "tentang/index.html").is_file()
    assert "site.unaccounted" not in result.stderr


# ---- 1. pages nobody signed ---------------------------------------------------------------


def _write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("content/info.md", f"# Info\n\nIsi draf yang belum disetujui {CANARY}.\n"),
        ("content/info.md", f"# Info\n\n<script>alert('{CANARY}')</script>\n"),
        (
            "content/verifikasi.md",
            f'<aside class="warta-provenance"><p>Disetujui oleh Bupati {CANARY}</p></aside>\n',
        ),
        ("content/lain/halaman.html", f"<html><body>{CANARY}</body></html>\n"),
        ("content/assets/baru.js", f"alert('{CANARY}')\n"),
    ],
    ids=["draft-body", "script", "fake-provenance", "html-page", "script-asset"],
)
def test_a_page_nobody_signed_is_left_out(
    honest: SiteRepo, tmp_path: Path, rel: str, text: str
) -> None:
    result = attack(honest, tmp_path, lambda root: _write(root, rel, text))
    content_left_out(result, "site.unsigned", rel)
    assert "workflow/site-manifest.yml (warta trust sign)" in result.strict.stderr


def test_a_whole_news_item_with_another_markdown_suffix(honest: SiteRepo, tmp_path: Path) -> None:
    def change(root: Path) -> None:
        text = (root / PASAR / "index.md").read_text(encoding="utf-8")
        text = text.replace("Pasar Tani Cigintung Dibuka", f"Kabar {CANARY}")
        _write(root, "content/kabar.markdown", text)
        _write(root, "content/berita/2026/kabar-lain/index.markdown", text)

    result = attack(honest, tmp_path, change)
    content_left_out(result, "item.outside-news", "content/kabar.markdown")
    assert "content/kabar.markdown: [site.unsigned]" in result.strict.stderr
    assert "content/berita/2026/kabar-lain/index.markdown: [file.stray]" in result.strict.stderr


def test_a_page_where_a_generated_page_lives_stays_out_of_search(
    honest: SiteRepo, tmp_path: Path
) -> None:
    result = attack(
        honest, tmp_path, lambda root: _write(root, "content/sop.md", f"# SOP\n\n{CANARY}\n")
    )
    content_left_out(result, "site.shadows", "content/sop.md")
    assert "sop/index.html, which is sop/ (generated by Warta)" in result.strict.stderr
    index = (result.out / "search" / "search_index.json").read_text(encoding="utf-8")
    assert CANARY not in index and "SOP Peliputan" in index


def test_a_signed_page_changed_afterwards(honest: SiteRepo, tmp_path: Path) -> None:
    def change(root: Path) -> None:
        page = root / "content" / "tentang.md"
        page.write_text(page.read_text(encoding="utf-8") + f"\n{CANARY}\n", encoding="utf-8")

    result = attack(honest, tmp_path, change)
    content_left_out(result, "site.changed", "content/tentang.md")
    assert not (result.out / "tentang").exists()


# ---- 2. files beside an approved item ------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "data", "rule"),
    [
        (
            f"{PASAR}/images/pasar.svg",
            SVG.format(color=f'#000"/><!-- {CANARY} -->'),
            "files.changed",
        ),
        (f"{PASAR}/lampiran/rahasia.pdf", f"%PDF {CANARY}", "files.unlisted"),
        (f"{PASAR}/catatan.txt", CANARY, "files.unlisted"),
        (f"{PASAR}/index.markdown", f"# {CANARY}\n", "files.unlisted"),
        (f"{PASAR}/sisip/index.md", f"---\ntitle: {CANARY}\n---\n{CANARY}\n", "files.unlisted"),
    ],
    ids=["photo-replaced", "pdf-added", "text-added", "markdown-beside", "nested-page"],
)
def test_a_file_nobody_signed_keeps_the_approved_item_off_the_site(
    honest: SiteRepo, tmp_path: Path, rel: str, data: str, rule: str
) -> None:
    result = attack(honest, tmp_path, lambda root: _write(root, rel, data))
    content_left_out(result, rule, f"{PASAR}/index.md")
    name = rel.removeprefix(f"{PASAR}/")
    assert name in result.strict.stderr
    assert "not published: content/berita/2026/pasar-tani-cigintung/index.md" in (
        result.plain.stderr
    )
    assert not (result.out / "berita/2026/pasar-tani-cigintung").exists()
    assert (result.out / "berita/2026/posyandu-melati/index.html").is_file()


def test_a_body_may_not_show_another_item_s_file(honest: SiteRepo, tmp_path: Path) -> None:
    """A body that shows another item's photo is refused at the first signature already."""
    from warta.errors import RefusedError

    copy = SiteRepo(replace(honest.repo, root=clone(honest, tmp_path)))
    with pytest.raises(RefusedError, match=r"link.unlisted"):
        add_item(
            copy,
            "pinjam",
            title="Foto Pinjaman",
            slug="foto-pinjaman",
            day="2026-11-03",
            body="KARANGSARI – ![foto](../posyandu-melati/images/posyandu.svg)\n",
            categories=["Kesehatan"],
            steps=1,
        )


# ---- 3. links and special files ------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "target", "rule"),
    [
        (f"{PASAR}/lampiran.txt", "/proc/self/environ", "files.symlink"),
        ("content/x.csv", "/etc/passwd", "site.symlink"),
        ("content/kunci.txt", "{cache}/warta/cache-key", "site.symlink"),
        ("content/berita/2026/pintas", "../../../../../../etc", "file.stray"),
        ("content/assets/logo2.svg", "logo.svg", "site.symlink"),
    ],
    ids=["environ-beside-item", "passwd", "cache-key", "folder-link-under-news", "inner-link"],
)
def test_a_link_is_never_followed(
    honest: SiteRepo, tmp_path: Path, rel: str, target: str, rule: str
) -> None:
    cache = os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))

    def change(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target.format(cache=cache), root / rel)

    result = attack(honest, tmp_path, change)
    content_left_out(result, rule, rel if not rel.startswith(PASAR) else f"{PASAR}/index.md")
    assert "symbolic link" in result.strict.stderr
    assert traces(result.out, SECRET, "root:x:0:0", "lampiran.txt", "x.csv", "kunci") == []


def test_a_hard_link_and_a_named_pipe_are_refused(honest: SiteRepo, tmp_path: Path) -> None:
    outside = tmp_path / "di-luar.txt"
    outside.write_text(CANARY)

    def change(root: Path) -> None:
        os.link(outside, root / "content" / "keras.txt")
        os.mkfifo(root / "content" / "pipa.txt")

    result = attack(honest, tmp_path, change)
    content_left_out(result, "site.hardlink", "content/keras.txt")
    assert "content/pipa.txt: [site.special]" in result.strict.stderr


def test_a_linked_workflow_file_is_broken_configuration(honest: SiteRepo, tmp_path: Path) -> None:
    def change(root: Path) -> None:
        roster = root / "workflow" / "roster.yml"
        copy = tmp_path / "roster.yml"
        copy.write_bytes(roster.read_bytes())
        roster.unlink()
        roster.symlink_to(copy)

    result = attack(honest, tmp_path, change)
    for build in (result.strict, result.plain):
        assert build.returncode == 2, build.stderr
        assert "workflow/roster.yml" in build.stderr and "symbolic link" in build.stderr
    assert not result.out.exists()


def test_a_link_anywhere_in_workflow_trusts_nothing(honest: SiteRepo, tmp_path: Path) -> None:
    result = attack(
        honest, tmp_path, lambda root: os.symlink("/etc", root / "workflow" / "catatan")
    )
    # (a plain build too builds nothing while the workflow files are not trusted)
    assert result.strict.returncode == 1 and result.plain.returncode == 1
    assert "workflow/catatan: [workflow.symlink]" in result.plain.stderr
    assert "no news item is published" in result.plain.stderr
    assert not (result.out / "berita" / "2026").exists()


def test_a_linked_site_folder_is_never_emptied(honest: SiteRepo, tmp_path: Path) -> None:
    victim = tmp_path / "milik-orang-lain"
    victim.mkdir()
    (victim / "penting.txt").write_text("jangan dihapus")
    root = clone(honest, tmp_path)
    (root / "site").symlink_to(victim)
    result = run(root, honest, "build")
    assert result.returncode == 2
    assert "site directory is a symbolic link" in result.stderr
    assert (victim / "penting.txt").read_text() == "jangan dihapus"


def test_a_site_folder_below_a_linked_folder_is_never_emptied(
    honest: SiteRepo, tmp_path: Path
) -> None:
    """Only the last part of the site folder's path was checked: with ``build -> /elsewhere``
    committed, ``-d build/site`` (or a signed ``site_dir: build/site``) emptied and wrote a
    folder outside the repository (found by an independent attack)."""
    victim = tmp_path / "milik-orang-lain"
    (victim / "site").mkdir(parents=True)
    (victim / "site/penting.txt").write_text("jangan dihapus")
    root = clone(honest, tmp_path)
    (root / "build").symlink_to(victim)
    result = run(root, honest, "build", "-d", "build/site")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "reached through a symbolic link" in result.stderr
    assert sorted(p.name for p in (victim / "site").iterdir()) == ["penting.txt"]


@pytest.mark.parametrize("where", ["..", "../..", "link", "home"])
def test_a_site_folder_that_holds_the_repository_is_never_emptied(
    honest: SiteRepo, tmp_path: Path, where: str
) -> None:
    """``-d ..`` is refused by MkDocs' check of its configuration (the docs are inside it);
    the repository's parent reached through a link passed that check, which compares the
    paths as written, and the build emptied it, the repository and its history with it
    (found by an independent attack). A home folder holding the repository is refused too."""
    parent = tmp_path / "kerja" / "bagian"
    parent.mkdir(parents=True)
    root = parent / "repo"
    shutil.copytree(honest.root, root, symlinks=True)
    (parent / "catatan.txt").write_text("jangan dihapus")
    (tmp_path / "pintas").symlink_to(tmp_path / "kerja")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                          text=True, check=True).stdout
    env = {**honest.env(), "WARTA_SECRET_TOKEN": SECRET}
    home = tmp_path / "rumah"
    (home / "pegawai").mkdir(parents=True)
    (home / "pegawai" / "surat.txt").write_text("jangan dihapus")
    if where == "home":  # (the folder holding this user's home, not the repository)
        env["HOME"] = str(home / "pegawai")
    target = {"link": str(tmp_path / "pintas" / "bagian"), "home": str(home)}.get(where, where)
    result = subprocess.run([warta_exe(), "build", "-d", target], cwd=root, capture_output=True,
                            text=True, env=env, timeout=300, check=False)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    if where in ("link", "home"):
        assert "the site directory holds the repository, this user's home" in result.stderr
    else:
        assert "docs_dir" in result.stderr and "site_dir" in result.stderr
    assert (parent / "catatan.txt").read_text() == "jangan dihapus"
    assert (home / "pegawai" / "surat.txt").read_text() == "jangan dihapus"
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                          text=True, check=True).stdout == head


# ---- 4. a configuration that runs code or reads files ------------------------------------

HOOK = f"import pathlib\npathlib.Path('marker-ran-{CANARY}').write_text('x')\n"


def _config(root: Path, old: str, new: str) -> None:
    path = root / "mkdocs.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("extra:\n", "hooks:\n  - hook.py\nextra:\n", "site.config-key"),
        ("site_name:", "INHERIT: lain.yml\nsite_name:", "site.config-key"),
        (
            "site_name: Warta Kabupaten Sukamaju",
            "site_name: !!python/object/apply:os.system ['touch marker-ran']",
            "yaml.tag",
        ),
        ("site_name: Warta Kabupaten Sukamaju", "site_name: !ENV WARTA_SECRET_TOKEN", "yaml.tag"),
        ("  - warta:\n", "  - material/blog\n  - warta:\n", "site.plugin"),
        (
            "format: !!python/name:pymdownx.superfences.fence_code_format",
            "format: !!python/name:os.system",
            "site.python-name",
        ),
        (
            "markdown_extensions:\n",
            "markdown_extensions:\n  - pymdownx.snippets:\n      auto_append: [hook.py]\n",
            "site.extension",
        ),
        (
            "markdown_extensions:\n",
            "markdown_extensions:\n  - pymdownx.emoji:\n      options:\n"
            "        custom_icons: [overrides/.icons]\n",
            "site.extension",
        ),
        ("  font: false", "  font: false\n  custom_dir: overrides", "site.custom-dir"),
        ("docs_dir: content", "docs_dir: workflow", "site.docs-dir"),
        ("site_dir: site", "site_dir: ../../tmp/di-luar", "site.site-dir"),
        ("  /berita/\n", "  /tidak-ada/\n", "site.exclude"),
        (
            "      per_page: 10\n",
            "      per_page: 10\n      trust_root: sha256:00\n",
            "trust.pin-in-repository",
        ),
    ],
    ids=[
        "hooks",
        "inherit",
        "python-object",
        "env",
        "plugin",
        "python-name",
        "snippets",
        "emoji-icons",
        "custom-dir",
        "docs-dir",
        "site-dir",
        "exclude",
        "pin-in-config",
    ],
)
def test_a_configuration_that_could_run_code_builds_nothing(
    honest: SiteRepo, tmp_path: Path, old: str, new: str, rule: str
) -> None:
    def change(root: Path) -> None:
        _write(root, "hook.py", HOOK)
        _write(root, "lain.yml", "site_name: lain\n")
        _write(root, "overrides/main.html", f"{{% extends 'base.html' %}}{CANARY}")
        _config(root, old, new)

    result = attack(honest, tmp_path, change)
    nothing_built(result, rule)
    assert not (result.root / f"marker-ran-{CANARY}").exists()
    assert not (result.root / "marker-ran").exists()
    assert "mkdocs.yml" in result.strict.stderr
    # nor can an administrator sign it: the refusal does not depend on the signature
    signing = run(result.root, honest, "trust", "sign", "--key", str(honest.repo.keys["admin"]))
    assert signing.returncode == 1, signing.stdout + signing.stderr
    assert f"[{rule}]" in signing.stderr and "nothing was signed" in signing.stderr


def test_an_unsigned_change_to_a_harmless_setting_builds_nothing(
    honest: SiteRepo, tmp_path: Path
) -> None:
    result = attack(
        honest,
        tmp_path,
        lambda root: _config(root, "per_page: 10", "per_page: 2"),
    )
    nothing_built(result, "site.config-unsigned")


# ---- 5. the theme's files and Warta's own ----------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    [
        "content/assets/warta/warta.css",
        "content/assets/warta/mermaid.min.js",
        "content/404.html",
        "content/feed.xml",
        "content/Assets/Warta/Warta.css",
    ],
)
def test_no_file_takes_the_place_of_the_theme_s_own_even_signed(
    honest: SiteRepo, tmp_path: Path, rel: str
) -> None:
    result = attack(honest, tmp_path, lambda root: _write(root, rel, f"/* {CANARY} */"))
    content_left_out(result, "site.shadows", rel)
    signing = run(result.root, honest, "trust", "sign", "--key", str(honest.repo.keys["admin"]))
    assert signing.returncode == 1 and f"{rel}: [site.shadows]" in signing.stderr


@pytest.mark.parametrize(
    ("rel", "rule"),
    [
        ("content/kategori", "site.shadows"),  # a file where Warta makes a folder
        ("content/search", "site.shadows"),
        ("content/Kategori", "site.shadows"),
        ("content/feed.xml/baca.txt", "site.shadows"),  # a folder where Warta makes a file
        ("content/assets/warta/warta.css/baca.txt", "site.shadows"),  # where the theme does
        ("content/kinerja.md", "site.shadows"),  # the generated Kinerja page's place
        ("content/tentang/index.html/baca.txt", "site.output-folder"),  # tentang.md's page
    ],
)
def test_no_file_stands_where_a_folder_or_file_of_the_site_must_be_even_signed(
    honest: SiteRepo, tmp_path: Path, rel: str, rule: str
) -> None:
    """Found by an independent attack: a signed file where the build must make a folder
    (``content/kategori``, or a file inside ``tentang.md``'s ``tentang/index.html``) passed
    ``trust sign`` and ``validate --strict``, and every build then ended in a traceback;
    ``kinerja/`` was not reserved, so a signed ``kinerja.md`` and the generated Kinerja
    page wrote one file, the last silently replacing the first. ``trust sign`` refuses
    such a file now; one signed anyway (an older Warta signed it) is left out."""
    from unittest import mock

    from warta import administer
    from warta.staffing import admin_signer

    root = clone(honest, tmp_path)
    _write(root, rel, f"Catatan {CANARY}\n")
    signing = run(root, honest, "trust", "sign", "--key", str(honest.repo.keys["admin"]),
                  "--no-commit")
    assert signing.returncode == 1 and f"{rel}: [{rule}]" in signing.stderr, signing.stderr
    with mock.patch.object(administer, "check_site_sources", lambda *a, **k: ([], [])):
        administer.sign_all(root, admin_signer(root, honest.repo.keys["admin"]))
    manifest = (root / "workflow/site-manifest.yml").read_text(encoding="utf-8")
    assert rel in manifest  # signed, as an older Warta signed it
    result = Result(
        run(root, honest, "build", "--strict", "-d", str(tmp_path / "strict")),
        run(root, honest, "build", "-d", str(tmp_path / "site")),
        tmp_path / "site",
        root,
    )
    assert "Traceback" not in result.strict.stderr + result.plain.stderr
    content_left_out(result, rule, rel)
    assert (result.out / "tentang/index.html").is_file()


def test_material_s_own_bundle_cannot_be_replaced(honest: SiteRepo, tmp_path: Path) -> None:
    from warta.adapters.theme import material_dir

    folder = material_dir()
    assert folder is not None
    bundle = next((folder / "assets" / "javascripts").glob("bundle.*.min.js"))
    rel = f"content/assets/javascripts/{bundle.name}"
    result = attack(honest, tmp_path, lambda root: _write(root, rel, f"alert('{CANARY}')"))
    content_left_out(result, "site.shadows", rel)
    assert "Material for MkDocs" in result.strict.stderr
    assert (result.out / "assets/javascripts" / bundle.name).read_bytes() == bundle.read_bytes()


# ---- 6. the URL is signed -----------------------------------------------------------------


def test_moving_an_approved_item_does_not_move_its_url(honest: SiteRepo, tmp_path: Path) -> None:
    moved = "content/berita/2026/0-apa-saja"

    def change(root: Path) -> None:
        (root / PASAR).rename(root / moved)

    result = attack(honest, tmp_path, change)
    content_left_out(result, "url.folder", f"{moved}/index.md", "0-apa-saja")
    assert "expected this item at content/berita/2026/pasar-tani-cigintung/index.md" in (
        result.strict.stderr
    )
    assert not (result.out / "berita/2026/pasar-tani-cigintung").exists()


def test_a_junk_draft_with_an_approved_id_never_drops_the_approved_item(
    honest: SiteRepo, tmp_path: Path
) -> None:
    def change(root: Path) -> None:
        text = (root / PASAR / "index.md").read_text(encoding="utf-8")
        head = text.split("status:")[0].replace("slug: pasar-tani-cigintung", "slug: 0-sampah")
        _write(
            root,
            "content/berita/2026/0-sampah/index.md",
            f"{head}status: usulan\nsignoffs: []\n---\n\n{CANARY}\n",
        )

    result = attack(honest, tmp_path, change)
    content_left_out(result, "id.duplicate", "content/berita/2026/0-sampah/index.md")
    assert f"is also claimed by {PASAR}/index.md" in result.strict.stderr
    assert (result.out / "berita/2026/pasar-tani-cigintung/index.html").is_file()


def test_changing_the_signed_slug_is_a_change_after_approval(
    honest: SiteRepo, tmp_path: Path
) -> None:
    def change(root: Path) -> None:
        page = root / PASAR / "index.md"
        text = page.read_text(encoding="utf-8").replace(
            "slug: pasar-tani-cigintung", f"slug: {CANARY}"
        )
        (root / f"content/berita/2026/{CANARY}").mkdir()
        (root / f"content/berita/2026/{CANARY}/index.md").write_text(text, encoding="utf-8")
        shutil.rmtree(root / PASAR)

    result = attack(honest, tmp_path, change)
    content_left_out(result, "content.changed-after-approval", CANARY)


# ---- verify covers the files, and the output is accounted for ---------------------------------


def test_verify_lists_the_signed_files_and_refuses_a_changed_one(
    honest: SiteRepo, tmp_path: Path
) -> None:
    item = f"{PASAR}/index.md"
    ok = run(honest.root, honest, "verify", item)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "  images/pasar.svg sha256:" in ok.stdout
    assert "  lampiran/laporan.pdf sha256:" in ok.stdout
    assert "(2 file(s))" in ok.stdout
    root = clone(honest, tmp_path)
    (root / PASAR / "lampiran" / "laporan.pdf").write_bytes(b"%PDF-1.4 diganti\n")
    changed = run(root, honest, "verify", item)
    assert changed.returncode == 1
    assert "[files.changed] lampiran/laporan.pdf is not the signed file" in changed.stdout
    assert changed.stdout.rstrip().endswith(f"NOT PUBLISHABLE {item}")


def test_an_output_file_nobody_accounts_for_is_removed_and_fails_strict(
    honest: SiteRepo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Should anything in the build write a file the closure does not account for (here a
    theme template made to write one more), it is removed; --strict fails on it."""
    from mkdocs.commands import build as mkdocs_build

    from warta.errors import WartaError
    from warta.mkdocs_plugin import commands

    real = mkdocs_build._build_theme_template

    def extra(template: str, env: Any, files: Any, config: Any, nav: Any) -> None:
        real(template, env, files, config, nav)
        Path(config.site_dir, f"{CANARY}.html").write_text(CANARY)

    monkeypatch.setattr(mkdocs_build, "_build_theme_template", extra)
    monkeypatch.setenv("WARTA_TRUST_ROOT", honest.repo.env["WARTA_TRUST_ROOT"])
    config = honest.root / "mkdocs.yml"
    out = commands.build_site(config, site_dir=tmp_path / "plain")
    assert traces(out, CANARY) == []
    assert (out / "index.html").is_file()
    assert (
        f"[site.unaccounted] {CANARY}.html: nothing the build was to write; expected no such"
        " file; removed from the output"
    ) in capsys.readouterr().err
    with pytest.raises(WartaError, match="Aborted with"):
        commands.build_site(config, strict=True, site_dir=tmp_path / "strict")


# ---- found by an independent attack on the above ------------------------------------------------


def test_a_link_inside_a_committed_site_folder_is_never_written_through(
    honest: SiteRepo, tmp_path: Path
) -> None:
    """MkDocs' own cleaning leaves a link to a folder in place and writes the theme's files
    through it; Warta empties the folder itself, never following a link in it."""
    victim = tmp_path / "milik-orang-lain"
    victim.mkdir()
    root = clone(honest, tmp_path)
    (root / "site").mkdir()
    (root / "site" / "assets").symlink_to(victim)
    (root / "site" / "feed.xml").symlink_to(victim)
    result = run(root, honest, "build")
    assert result.returncode == 0, result.stderr
    assert list(victim.iterdir()) == []
    assert (root / "site" / "assets").is_dir() and not (root / "site" / "assets").is_symlink()
    assert (root / "site" / "assets" / "warta" / "warta.css").is_file()
    (root / "site").rename(root / "lama")
    (root / "site").write_text("bukan folder")
    refused = run(root, honest, "build")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "the site directory is a file, not a folder" in refused.stderr


def test_a_junk_page_never_pushes_a_signed_page_out(honest: SiteRepo, tmp_path: Path) -> None:
    """content/README.md (unsigned) and content/index.md (signed) are both the home page:
    the signed one keeps it."""

    def change(root: Path) -> None:
        _write(root, "content/README.md", f"# {CANARY}\n")
        _write(root, "content/tentang/index.md", f"# {CANARY}\n")

    result = attack(honest, tmp_path, change)
    content_left_out(result, "site.unsigned", "content/README.md")
    assert "content/README.md: [site.duplicate-output]" in result.strict.stderr
    assert "content/index.md: [site.duplicate-output]" not in result.strict.stderr
    assert (result.out / "index.html").is_file() and (result.out / "tentang/index.html").is_file()


def test_a_junk_file_where_a_generated_list_page_lives_fails_no_deploy(
    honest: SiteRepo, tmp_path: Path
) -> None:
    result = attack(
        honest,
        tmp_path,
        lambda root: _write(root, "content/berita/halaman/2/index.md", f"# {CANARY}\n"),
    )
    content_left_out(result, "front-matter.missing", "content/berita/halaman/2/index.md")
    assert "do not deploy it" not in result.plain.stderr


def test_strict_build_and_strict_validate_agree(honest: SiteRepo, tmp_path: Path) -> None:
    """A warning (here a hidden file left in an approved item's folder) blocks the item under
    --strict in the build exactly as in the validator, and never in a plain build."""
    root = clone(honest, tmp_path)
    _write(root, f"{PASAR}/.catatan.txt", CANARY)
    validate = run(root, honest, "validate", "--strict", "--format", "json")
    build = run(root, honest, "build", "--strict", "-d", str(tmp_path / "strict"))
    plain = run(root, honest, "build", "-d", str(tmp_path / "plain"))
    assert validate.returncode == build.returncode == 1
    assert f"{PASAR}/index.md:" in build.stderr and "[files.hidden]" in build.stderr
    # the refused build leaves nothing to deploy by mistake (it left the whole site there)
    assert (tmp_path / "strict").is_dir() and not any((tmp_path / "strict").iterdir())
    verdicts = {v["path"]: v["publishable"] for v in json.loads(validate.stdout)["items"]}
    assert verdicts[f"{PASAR}/index.md"] is False
    assert plain.returncode == 0
    assert (tmp_path / "plain/berita/2026/pasar-tani-cigintung/index.html").is_file()
    assert traces(tmp_path / "plain", CANARY) == []


def test_hostless_web_addresses_are_relative_links(honest: SiteRepo, tmp_path: Path) -> None:
    """'https:../x' has no host: a browser resolves it like '../x', to another item's photo
    or a draft. The sanitizer drops it from what is published, and the post-build audit
    resolves it as the relative link it is."""
    copy = SiteRepo(replace(honest.repo, root=clone(honest, tmp_path)))
    target = "https:../posyandu-melati/images/posyandu.svg"
    add_item(
        copy,
        "tanpa-host",
        title="Tautan Tanpa Host",
        slug="tautan-tanpa-host",
        day="2026-11-03",
        body=f"KARANGSARI – [lihat]({target}) dan ![foto]({target})\n",
        categories=["Kesehatan"],
        steps=5,
        published=True,
    )
    result = run(copy.root, honest, "build", "-d", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/berita/2026/tautan-tanpa-host/index.html").read_text()
    assert "lihat" in page and "https:.." not in page

    from warta.site import audit

    draft = audit.Token("berita/2026/draf/", "URL", "content/berita/2026/draf/index.md")
    leaked = audit.leaks([("berita/2026/x/index.html", '<a href="https:../draf/">')], [draft])
    assert [leak.where for leak in leaked] == ["a link"]


def test_a_date_off_the_calendar_gives_no_url_and_is_never_signed(
    honest: SiteRepo, tmp_path: Path
) -> None:
    from warta.errors import RefusedError

    copy = SiteRepo(replace(honest.repo, root=clone(honest, tmp_path)))
    with pytest.raises(RefusedError, match=r"date.range"):
        add_item(
            copy,
            "kiamat",
            title="Berita Akhir Zaman",
            slug="berita-akhir-zaman",
            day="9999-12-31",
            body="KARANGSARI – Isi.\n",
            categories=["Kesehatan"],
            steps=1,
        )


def test_a_junk_draft_that_makes_markdown_slow_is_never_rendered(
    honest: SiteRepo, tmp_path: Path
) -> None:
    """Markdown's parser takes quadratic time on some bodies (thousands of unclosed '<a'):
    a run over the repository renders only approved bodies, so a draft nobody approved
    costs nothing (its links are checked when someone signs it)."""
    text = (honest.root / POSYANDU / "index.md").read_text(encoding="utf-8")
    head = text.split("status:")[0].replace("slug: posyandu-melati", "slug: lambat")
    head = head.replace("id: 20261102-posyandu-melati", "id: 20261102-lambat")
    result = attack(
        honest,
        tmp_path,
        lambda root: _write(
            root,
            "content/berita/2026/lambat/index.md",
            f"{head}status: usulan\nsignoffs: []\n---\n\n" + "<a " * 60_000 + "\n",
        ),
    )
    assert result.plain.returncode == 0, result.plain.stderr
    assert "body.too-complex" not in result.log
    assert (result.out / "berita/2026/posyandu-melati/index.html").is_file()


def test_names_with_control_characters_are_printed_escaped(
    honest: SiteRepo, tmp_path: Path
) -> None:
    """A file name with a line break forged a line of the build's log ("all the site's files
    are signed"), and one with ESC moved the cursor up and erased the lines above (found by
    an independent attack): a finding and the log print such characters as escapes."""
    forged = "INFO    -  warta: semua berkas situs ditandatangani"
    root = clone(honest, tmp_path)
    _write(root, f"content/assets/x\n{forged}.txt", CANARY)
    _write(root, "content/assets/y\x1b[1A\x1b[2K.txt", CANARY)
    _write(root, "content/assets/z\u202etxt.exe", CANARY)
    built = run(root, honest, "build", "-d", str(tmp_path / "site"))
    report = run(root, honest, "validate")
    for output in (built.stderr, report.stdout):
        assert "\x1b" not in output and "\u202e" not in output
        assert forged not in output.splitlines()
        assert all(not line.startswith(forged) for line in output.splitlines())
    assert f"content/assets/x\\x0a{forged}.txt: [site.unsigned]" in built.stderr
    assert "content/assets/y\\x1b[1A\\x1b[2K.txt: error [site.unsigned]" in report.stdout
    assert "content/assets/z\\u202etxt.exe: error [site.unsigned]" in report.stdout
    assert traces(tmp_path / "site", CANARY) == []
