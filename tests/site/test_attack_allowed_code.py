"""What an administrator allowed to run or be read in the build (hooks, a theme folder) is
run or read only as the administrator signed it (found by an independent attack):

- with hooks allowed and a harmless hook signed, anyone could change the hook's code: Warta
  left the file out of the site (``site.changed``) but MkDocs still ran it, from the
  repository, in ``warta build`` (even ``--strict``) and in every reviewer's preview. A hook
  now runs only from a copy checked against its signed digest; otherwise nothing is built;
- with a ``custom_dir`` allowed, anyone could replace the signed folder with a symbolic link
  to their own templates: the staged copy was put in place of the configured folder only when
  the two paths matched, so MkDocs read the linked folder, ran its Jinja and published its
  files. The theme now reads the staged copy and the installed themes, and nothing else."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sitekit import SiteRepo, site_files
from test_closure_attacks import (  # noqa: F401 - honest is a fixture, used by name
    CANARY,
    SECRET,
    _config,
    _write,
    clone,
    honest,
    run,
    traces,
)

from helpers import warta_exe


def _allow(root: Path, what: str) -> None:
    manifest = root / "workflow/site-manifest.yml"
    text = manifest.read_text(encoding="utf-8")
    assert f"  {what}: false" in text
    manifest.write_text(text.replace(f"  {what}: false", f"  {what}: true", 1), encoding="utf-8")


def _sign(root: Path, site: SiteRepo) -> None:
    """An administrator reviews the change and signs the site's sources."""
    signed = run(root, site, "trust", "sign", "--key", str(site.repo.keys["admin"]))
    assert signed.returncode == 0, signed.stdout + signed.stderr


SIGNED_HOOK = "import pathlib\npathlib.Path('hook-yang-ditandatangani').write_text('x')\n"
ATTACK_HOOK = f"import pathlib\npathlib.Path('marker-ran-{CANARY}').write_text('x')\n"


def _with_signed_hook(honest: SiteRepo, tmp_path: Path) -> Path:  # noqa: F811
    root = clone(honest, tmp_path)
    _allow(root, "hooks")
    _write(root, "hooks/resmi.py", SIGNED_HOOK)
    _config(root, "extra:\n", "hooks:\n  - hooks/resmi.py\nextra:\n")
    _sign(root, honest)
    return root


def test_a_signed_hook_runs_from_its_checked_copy(honest: SiteRepo, tmp_path: Path) -> None:  # noqa: F811
    root = _with_signed_hook(honest, tmp_path)
    built = run(root, honest, "build", "--strict", "-d", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    assert (root / "hook-yang-ditandatangani").exists()


def test_a_changed_hook_never_runs(honest: SiteRepo, tmp_path: Path) -> None:  # noqa: F811
    root = _with_signed_hook(honest, tmp_path)
    _write(root, "hooks/resmi.py", ATTACK_HOOK)
    for args in (["build", "--strict"], ["build"], ["preview", "--build-only"]):
        out = tmp_path / "-".join(args)
        result = run(root, honest, *args, *(["-d"] if args[0] == "build" else []), str(out))
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "hooks/resmi.py: a hook runs code in the build" in result.stderr, result.stderr
        assert "nothing is built" in result.stderr
        assert not (out / "index.html").exists()
    assert not (root / f"marker-ran-{CANARY}").exists()
    assert not (root / "hook-yang-ditandatangani").exists()


def test_a_hook_swapped_for_a_link_never_runs(honest: SiteRepo, tmp_path: Path) -> None:  # noqa: F811
    root = _with_signed_hook(honest, tmp_path)
    _write(root, "lain/resmi.py", ATTACK_HOOK)
    (root / "hooks/resmi.py").unlink()
    os.symlink("../lain/resmi.py", root / "hooks/resmi.py")
    result = run(root, honest, "build", "-d", str(tmp_path / "site"))
    assert result.returncode == 1, result.stderr
    assert "hooks/resmi.py: a hook runs code in the build" in result.stderr, result.stderr
    assert not (root / f"marker-ran-{CANARY}").exists()


def test_a_custom_theme_swapped_for_a_link_is_never_read(
    honest: SiteRepo, tmp_path: Path  # noqa: F811
) -> None:
    root = clone(honest, tmp_path)
    _allow(root, "custom_dir")
    _write(root, "overrides/main.html",
           "{% extends 'base.html' %}{% block announce %}Pengumuman resmi{% endblock %}")
    _config(root, "  font: false", "  font: false\n  custom_dir: overrides")
    _sign(root, honest)
    signed = run(root, honest, "build", "--strict", "-d", str(tmp_path / "signed"))
    assert signed.returncode == 0, signed.stderr
    assert "Pengumuman resmi" in (tmp_path / "signed/index.html").read_text(encoding="utf-8")

    _write(root, "lain/main.html",
           "{% extends 'base.html' %}{% block announce %}" + CANARY
           + "{{ cycler.__init__.__globals__.os.system('touch marker-ran') }}{% endblock %}")
    _write(root, f"lain/{CANARY}.js", "alert(1)")
    for path in (root / "overrides").iterdir():
        path.unlink()
    (root / "overrides").rmdir()
    os.symlink("lain", root / "overrides")
    for args in (["build"], ["preview", "--build-only"]):
        out = tmp_path / "-".join(args)
        result = run(root, honest, *args, *(["-d"] if args[0] == "build" else []), str(out))
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert (out / "index.html").is_file()
        assert traces(out, CANARY) == []
        assert "Pengumuman resmi" not in (out / "index.html").read_text(encoding="utf-8")
    assert not (root / "marker-ran").exists()
    strict = run(root, honest, "build", "--strict", "-d", str(tmp_path / "strict"))
    assert strict.returncode == 1
    assert "overrides" in strict.stderr


def test_hooks_that_are_not_a_list_of_files_are_a_finding(
    honest: SiteRepo, tmp_path: Path  # noqa: F811
) -> None:
    """``hooks: 5`` (with hooks allowed) ended validate and build in a TypeError traceback."""
    root = _with_signed_hook(honest, tmp_path)
    last = "\n  - hooks/resmi.py"
    for value in ("5", "true", "{a: b}", "[5]"):
        _config(root, f"hooks: {last}\n".replace(": \n", ":\n"), f"hooks: {value}\n")
        last = value
        for args in (["validate"], ["build", "-d", str(tmp_path / "site")]):
            result = run(root, honest, *args)
            output = result.stdout + result.stderr
            assert result.returncode == 1, output
            assert "Traceback" not in output
            assert "[site.config-key] hooks must be a list of files inside the repository" in (
                output
            )


def test_a_signed_hook_or_theme_folder_that_is_gone_is_named_in_words(
    honest: SiteRepo, tmp_path: Path  # noqa: F811
) -> None:
    """A hook or a theme folder the signed configuration names but the branch removed stops
    the build, and the finding says so in the reader's language (it printed the internal
    kind, 'missing folder', untranslated)."""
    root = _with_signed_hook(honest, tmp_path)
    _allow(root, "custom_dir")
    _write(root, "overrides/main.html", "{% extends 'base.html' %}")
    _config(root, "  font: false", "  font: false\n  custom_dir: overrides")
    _sign(root, honest)
    (root / "hooks/resmi.py").unlink()
    (root / "overrides/main.html").unlink()
    (root / "overrides").rmdir()
    words = {
        "en": ("expected a file here, found nothing", "expected a folder here, found nothing"),
        "id": ("diharapkan berkas di sini, tidak ada apa pun",
               "diharapkan folder di sini, tidak ada apa pun"),
    }
    for lang, (file_words, folder_words) in words.items():
        result = run(root, honest, "--lang", lang, "validate")
        assert result.returncode == 1, result.stdout + result.stderr
        lines = {line.split(":", 1)[0]: line for line in result.stdout.splitlines()}
        assert f"[site.special] {file_words}" in lines["hooks/resmi.py"], result.stdout
        assert f"[site.special] {folder_words}" in lines["overrides"], result.stdout
        assert "missing folder" not in result.stdout and "missing file" not in result.stdout
        built = run(root, honest, "--lang", lang, "build", "-d", str(tmp_path / lang))
        assert built.returncode == 1, built.stderr
        assert "Traceback" not in built.stderr


def _with_signed_theme(honest: SiteRepo, tmp_path: Path, files: dict[str, str]) -> Path:  # noqa: F811
    root = clone(honest, tmp_path)
    _allow(root, "custom_dir")
    for rel, text in files.items():
        _write(root, f"overrides/{rel}", text)
    _config(root, "  font: false", "  font: false\n  custom_dir: overrides")
    _sign(root, honest)
    return root


def _builds_match_a_cold_one(root: Path, site: SiteRepo, tmp_path: Path) -> Path:
    """The site of a ``--no-cache`` build, after two builds with caches (the first fills
    them) gave the same bytes."""
    cold = tmp_path / "cold"
    built = run(root, site, "build", "--no-cache", "-d", str(cold))
    assert built.returncode == 0, built.stderr
    for name in ("one", "two"):
        warm = run(root, site, "build", "-d", str(tmp_path / name))
        assert warm.returncode == 0, warm.stderr
        assert site_files(tmp_path / name) == site_files(cold), name
    return cold


#: The start of the SOP page's text, shown by a template on another page.
SOP_TEXT = (
    "{% for p in pages %}{% if p.page and p.page.url == 'sop/' %}"
    "SOP: {{ p.page.content | striptags | truncate(60) }}"
    "{% endif %}{% endfor %}"
)
#: A signed partial: in the footer of every page.
TEASER = f'<div class="md-copyright">{SOP_TEXT}</div>'
#: A signed icon in place of Material's (its documented way): Material includes icons as
#: templates, so this one shows the SOP's text in the search bar of every page.
ICON = (
    f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><title>{SOP_TEXT}</title>'
    '<path d="M9.5 3A6.5 6.5 0 0 1 16 9.5"/></svg>'
)


@pytest.mark.parametrize(
    ("files", "shown"),
    [
        # Material's documented way to add an announcement bar: it takes the place of
        # Warta's main.html, which prints a page kept by an earlier build
        ({"main.html": "{% extends 'base.html' %}{% block announce %}Resmi{% endblock %}"},
         "Resmi"),
        # a template may show any page's content, not only its own
        ({"partials/copyright.html": TEASER}, "SOP: Setiap"),
        ({".icons/material/magnify.svg": ICON}, "SOP: Setiap"),
    ],
)
def test_warm_builds_with_signed_templates_give_the_cold_build_s_site(
    honest: SiteRepo, tmp_path: Path, files: dict[str, str], shown: str  # noqa: F811
) -> None:
    """(Found by independent attacks: a build that read a kept page's content only when
    Warta's main.html would render the page failed every warm build with the first theme,
    and left the SOP's text out of every page with the second and third. A page built
    after the SOP's had no SOP text even in a cold build: its content was let go once
    written.)"""
    root = _with_signed_theme(honest, tmp_path, files)
    cold = _builds_match_a_cold_one(root, honest, tmp_path)
    for page in ("index.html", "buletin/index.html", "berita/index.html"):
        assert shown in (cold / page).read_text(encoding="utf-8"), page


#: A signed partial that shows the length of every page's content on every page.
EVERY_CONTENT = (
    '<div class="md-copyright">ALL[{% for p in pages %}{% if p.page %}'
    "{{ (p.page.content or '') | length }},{% endif %}{% endfor %}]</div>"
)


def test_helpers_leave_a_signed_template_every_page_s_content(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    """A helper let go of each page's content once it had rendered it, although a signed
    template may show any page's content on another page (the build itself keeps it
    then): the pages a helper rendered later showed nothing for those, 12 to 15 pages
    differed from a build without helpers, and the page cache kept them for the next
    builds (found by an independent attack). A helper keeps content when the build does."""
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    _allow(root, "custom_dir")
    _write(root, "overrides/partials/copyright.html", EVERY_CONTENT)
    _config(root, "  font: false", "  font: false\n  custom_dir: overrides")
    _sign(root, site_repo)

    def build(out: str, cache: str, jobs: str) -> str:
        done = subprocess.run(
            [warta_exe(), "build", "-d", str(tmp_path / out), "-j", jobs],
            cwd=root,
            env={
                **site_repo.env(),
                "WARTA_SECRET_TOKEN": SECRET,
                "XDG_CACHE_HOME": str(tmp_path / cache),
                "LC_ALL": "en_US.UTF-8",
            },
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stderr

    build("alone", "cache-alone", "1")
    # The helpers must take part: they render from the end while the build claims from the
    # start, so on a loaded machine the build may reach them first. That precondition (not
    # the comparison) is tried again, each time from an empty cache and output.
    for attempt in range(4):
        said = build(f"helped{attempt}", f"cache-helped{attempt}", "3")
        helped = re.search(r"(\d+) pages? rendered by \d+ helper process", said)
        if helped is not None and int(helped.group(1)) >= 5:
            break
    assert helped is not None and int(helped.group(1)) >= 5, said  # (helpers took part)
    build("after", f"cache-helped{attempt}", "1")  # what the helpers' build kept
    alone = site_files(tmp_path / "alone")
    assert "ALL[0," not in str(alone)
    assert site_files(tmp_path / f"helped{attempt}") == alone
    assert site_files(tmp_path / "after") == alone


def test_warm_builds_with_a_signed_extra_template_give_the_cold_build_s_site(
    honest: SiteRepo, tmp_path: Path  # noqa: F811
) -> None:
    """An extra template is rendered before any page is built, and may show any page's
    content (found by an independent attack: it showed the placeholder of a kept page's
    content)."""
    root = clone(honest, tmp_path)
    _allow(root, "extra_templates")
    _write(root, "content/ringkas.html", f"<html><body>{SOP_TEXT}</body></html>\n")
    _config(root, "extra:\n", "extra_templates:\n  - ringkas.html\nextra:\n")
    _sign(root, honest)
    cold = _builds_match_a_cold_one(root, honest, tmp_path)
    assert "SOP: Setiap" in (cold / "ringkas.html").read_text(encoding="utf-8")


def test_a_signed_page_s_subtitle_changed_is_shown_on_every_kept_page(
    honest: SiteRepo, tmp_path: Path  # noqa: F811
) -> None:
    """Material's navigation shows each page's subtitle on every page (found by an
    independent attack: pages kept by an earlier build showed the old one)."""
    root = clone(honest, tmp_path)
    page = root / "content/tentang.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("title: Tentang\n", "title: Tentang\nsubtitle: Profil lama\n"))
    _sign(root, honest)
    assert run(root, honest, "build", "-d", str(tmp_path / "one")).returncode == 0
    page.write_text(page.read_text(encoding="utf-8").replace("Profil lama", "Profil baru"))
    _sign(root, honest)
    warm = run(root, honest, "build", "-d", str(tmp_path / "two"))
    assert warm.returncode == 0, warm.stderr
    cold = run(root, honest, "build", "--no-cache", "-d", str(tmp_path / "cold"))
    assert cold.returncode == 0, cold.stderr
    assert "Profil baru" in (tmp_path / "cold/sop/index.html").read_text(encoding="utf-8")
    assert site_files(tmp_path / "two") == site_files(tmp_path / "cold")
