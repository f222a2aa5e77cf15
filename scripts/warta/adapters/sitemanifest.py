"""workflow/site-manifest.yml: the site's own source as an administrator signed it.

It lists every file MkDocs reads that is not a news item (``mkdocs.yml``, the pages and assets
under ``content/`` outside ``berita/``, a theme folder an administrator allowed) with its
SHA-256, and what the site's configuration may use beyond Warta's safe defaults (``allow``).
It counts only with its detached signature (``site-manifest.yml.sig``) by an administrator of
the trust root, like ``sop.yml`` and ``roster.yml``; ``warta trust sign`` rewrites its
``files`` and signs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode

from warta.adapters import safefs
from warta.adapters.schema import Reader, type_name
from warta.adapters.textfile import decode
from warta.adapters.yamlnodes import (
    YamlError,
    YList,
    YMap,
    parse,
    quoted,
    refuse_unseen_breaks,
)
from warta.errors import ConfigError
from warta.i18n import _
from warta.model.closure import DIGEST, plain_relative
from warta.model.findings import Finding, error

SITE_MANIFEST_PATH = Path("workflow") / "site-manifest.yml"
CONFIG_FILE = "mkdocs.yml"

HEADER = """\
# Sumber situs yang ditandatangani administrator (Warta).
#
# Setiap berkas yang dibaca MkDocs selain berita: mkdocs.yml, halaman dan aset di content/
# di luar content/berita/, dengan SHA-256-nya. Berkas yang tidak tercantum, atau yang
# isinya berbeda, tidak diterbitkan. Setelah mengubah halaman (mis. content/tentang.md),
# seorang administrator menjalankan `warta trust sign` untuk menulis ulang daftar ini dan
# menandatanganinya.
#
# allow: apa yang boleh dipakai mkdocs.yml di luar bawaan Warta yang aman (plugin, ekstensi
# Markdown, nama Python, custom_dir, hooks, extra_templates). Kosongkan bila tidak perlu.
allow:
  plugins: []
  markdown_extensions: []
  python_names: []
  custom_dir: false
  hooks: false
  extra_templates: false
"""


@dataclass(frozen=True)
class Allow:
    """What an administrator allowed the site's configuration beyond the safe defaults."""

    plugins: frozenset[str] = frozenset()
    markdown_extensions: frozenset[str] = frozenset()
    python_names: frozenset[str] = frozenset()
    custom_dir: bool = False
    hooks: bool = False
    extra_templates: bool = False


@dataclass(frozen=True)
class SiteManifest:
    files: Mapping[str, str] = field(default_factory=dict)
    allow: Allow = field(default_factory=Allow)
    text: str = ""


def _allow(top: Reader, display: str, findings: list[Finding]) -> Allow:
    node = top.mapping("allow", required=False)
    if node is None:
        return Allow()
    r = Reader(node, display, findings, where="allow.")
    r.unknown_keys(
        {
            "plugins",
            "markdown_extensions",
            "python_names",
            "custom_dir",
            "hooks",
            "extra_templates",
        }
    )
    return Allow(
        frozenset(r.text_list("plugins") or ()),
        frozenset(r.text_list("markdown_extensions") or ()),
        frozenset(r.text_list("python_names") or ()),
        r.boolean("custom_dir"),
        r.boolean("hooks"),
        r.boolean("extra_templates"),
    )


def load_site_manifest(root: Path) -> tuple[SiteManifest, list[Finding]]:
    """Read the manifest (ConfigError if it is missing, unreadable or invalid)."""
    display = SITE_MANIFEST_PATH.as_posix()
    try:
        raw = safefs.read_bytes(root, display, max_bytes=4 * 1024 * 1024)
    except safefs.UnsafePath as exc:
        rule = "workflow.missing" if exc.missing else "workflow.unreadable"
        hint = _(" (an administrator creates it with warta trust sign)") if exc.missing else ""
        raise ConfigError(
            f"{display}: {exc.reason}{hint}", [error(display, None, rule, f"{exc.reason}{hint}")]
        ) from None
    text = decode(raw, display)
    if text.text is None:
        raise ConfigError(_("{display}: unreadable").format(display=display), text.findings)
    try:
        data = parse(text.text)
    except YamlError as exc:
        raise ConfigError(
            _("{display}: does not parse").format(display=display),
            [error(display, exc.line, exc.rule, exc.message)],
        ) from None
    if not isinstance(data, YMap):
        finding = error(
            display,
            1,
            "schema.type",
            _("must be a mapping; found {found}").format(found=type_name(data)),
        )
        raise ConfigError(_("{display}: not a mapping").format(display=display), [finding])
    findings: list[Finding] = list(text.findings)
    top = Reader(data, display, findings)
    top.unknown_keys({"serial", "allow", "files"})  # serial: warta.adapters.serials
    allow = _allow(top, display, findings)
    files: dict[str, str] = {}
    node = top.seq("files", required=False)
    for index, entry in enumerate(node or []):
        assert isinstance(node, YList)
        if not isinstance(entry, YMap):
            findings.append(
                error(
                    display,
                    node.line_at(index),
                    "schema.type",
                    _("files[{index}] must be a mapping").format(index=index),
                )
            )
            continue
        r = Reader(entry, display, findings, where=f"files[{index}].")
        r.unknown_keys({"path", "sha256"})
        path, digest = r.text("path"), r.text("sha256")
        if path is None or digest is None:
            continue
        if not plain_relative(path) or path in files or not DIGEST.match(f"sha256:{digest}"):
            r.fail(
                "path",
                "workflow.manifest",
                _(
                    "files[{index}]: expected a plain repository path listed once and 64 hex"
                    " digits; found {found!r}"
                ).format(index=index, found=path),
            )
            continue
        files[path] = f"sha256:{digest}"
    errors = [f for f in findings if f.is_error]
    if errors:
        raise ConfigError(
            _("{display}: {count} error(s)").format(display=display, count=len(errors)), findings
        )
    return SiteManifest(files, allow, text.text), findings


def render(existing: str | None, files: Mapping[str, str]) -> str:
    """The manifest text: ``existing`` (or the default header) with its ``files`` replaced."""
    base = existing if existing is not None else HEADER
    kept = _without_key(base, "files").rstrip("\n")
    lines = [f"{kept}\n", "files:\n"] if kept else ["files:\n"]
    if not files:
        lines[-1] = "files: []\n"
    for path in sorted(files):
        lines.append(f"  - path: {quoted(path)}\n")
        lines.append(f"    sha256: {files[path].removeprefix('sha256:')}\n")
    return "".join(lines)


def _without_key(text: str, key: str) -> str:
    """``text`` (a YAML mapping) without the lines of the top-level ``key``."""
    refuse_unseen_breaks(text)  # (the parser's lines must be these lines)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, MappingNode):
        return text
    lines = text.split("\n")
    drop: set[int] = set()
    for key_node, value_node in node.value:
        if key_node.value != key:
            continue
        start = key_node.start_mark.line
        end_mark = value_node.end_mark
        end = end_mark.line if end_mark.column == 0 else end_mark.line + 1
        drop.update(range(start, max(end, start + 1)))
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def changes(old: Mapping[str, str], new: Mapping[str, str]) -> Sequence[str]:
    """What signing ``new`` changes against ``old``, one line per file."""
    out = []
    for path in sorted(set(old) | set(new)):
        if path not in old:
            out.append(f"+ {path}")
        elif path not in new:
            out.append(f"- {path}")
        elif old[path] != new[path]:
            out.append(f"~ {path}")
    return out
