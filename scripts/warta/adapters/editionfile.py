"""An edition's manifest (``content/cetak/<edition>/[r<N>/]edisi.yml``): writing it, reading it
back with line numbers, and finding every edition in a repository.

The file is input like any other: it counts only through its signature
(:func:`warta.model.edition.check_signature`). Reading never follows a link
(:mod:`warta.adapters.safefs`) and refuses a file larger than :data:`MAX_MANIFEST`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from warta.adapters import safefs
from warta.adapters.schema import Reader
from warta.adapters.textfile import decode
from warta.adapters.yamlnodes import YamlError, YList, YMap, parse, quoted
from warta.i18n import _
from warta.model.closure import DIGEST, DOCS
from warta.model.edition import (
    EDITION,
    MANIFEST,
    PDF,
    Edition,
    EditionItem,
    place,
)
from warta.model.findings import Finding, error

MAX_MANIFEST = 4 * 1024 * 1024
PRINT_PREFIX = f"{DOCS}/cetak/"

HEADER = """\
# Edisi cetak (Buletin) yang dihimpun dan ditandatangani dengan `warta cetak`.
# Tanda tangan mencakup seluruh isi berkas ini; jangan disunting. Perbaikan atau penarikan
# berita dicetak sebagai revisi baru (folder r2/, r3/, ...), tidak menimpa yang ini.
"""


def render(edition: Edition) -> str:
    """The manifest's text, signature included."""
    lines = [
        HEADER,
        f"edition: {quoted(edition.edition)}\n",
        f"revision: {edition.revision}\n",
        f"title: {quoted(edition.title)}\n",
        f"from: {quoted(edition.start.isoformat())}\n",
        f"until: {quoted(edition.end.isoformat())}\n",
        f"pdf: {quoted(edition.pdf)}\n",
        f"by: {quoted(edition.by)}\n",
        f"at: {quoted(edition.at_text)}\n",
        f"previous: {quoted(edition.previous) if edition.previous else 'null'}\n",
        "items:\n" if edition.items else "items: []\n",
    ]
    for item in edition.items:
        lines.append(f"  - id: {quoted(item.id)}\n")
        lines.append(f"    path: {quoted(item.path)}\n")
        lines.append(f"    content: {quoted(item.content)}\n")
        lines.append(f"    title: {quoted(item.title)}\n")
    if edition.sig is not None:
        lines.append("sig: |\n")
        lines.extend(f"  {line}\n" for line in edition.sig.strip().splitlines())
    return "".join(lines)


def parse_edition(text: str, display: str) -> tuple[Edition | None, list[Finding]]:
    """The edition a manifest's text describes, or None and the findings saying why not."""
    findings: list[Finding] = []
    try:
        data = parse(text)
    except YamlError as exc:
        return None, [error(display, exc.line, exc.rule, exc.message)]
    if not isinstance(data, YMap):
        return None, [error(display, 1, "schema.type", _("an edition manifest must be a mapping"))]
    top = Reader(data, display, findings)
    top.unknown_keys(
        {"edition", "revision", "title", "from", "until", "pdf", "by", "at", "previous", "items",
         "sig"}
    )
    edition, title = top.text("edition"), top.text("title")
    revision, pdf, by = top.integer("revision"), top.text("pdf"), top.text("by")
    start, end = top.day("from", required=True), top.day("until", required=True)
    at = top.moment("at")
    previous = top.text("previous", required=False, default="") or None
    sig = top.text("sig", required=False, default="") or None
    if edition is not None and not EDITION.match(edition):
        top.fail("edition", "cetak.edition", _(
            "expected an edition such as 2026-11; found {value!r}"
        ).format(value=edition))
    if pdf is not None and not DIGEST.match(pdf):
        top.fail("pdf", "cetak.digest", _("expected sha256: and 64 hex digits; found {value!r}")
                 .format(value=pdf))
    items = list(_items(top, display, findings))
    if not items and "items" in data and not findings:
        top.fail("items", "cetak.no-items", _(
            "the edition lists no item; expected the items it prints ('warta cetak' never"
            " makes an empty edition)"
        ))
    if any(f.is_error for f in findings):
        return None, findings
    assert edition and title is not None and revision and pdf and by and start and end and at
    raw_at = data["at"]
    return (
        Edition(edition, revision, title, start, end, tuple(items), pdf, by, at, str(raw_at),
                previous, sig, display, data.line_of("sig") if sig else 1),
        findings,
    )


def _items(top: Reader, display: str, findings: list[Finding]) -> Iterable[EditionItem]:
    node = top.seq("items")
    if node is None:
        return
    assert isinstance(node, YList)
    for index, entry in enumerate(node):
        if not isinstance(entry, YMap):
            findings.append(error(display, node.line_at(index), "schema.type",
                                  _("items[{index}] must be a mapping").format(index=index)))
            continue
        r = Reader(entry, display, findings, where=f"items[{index}].")
        r.unknown_keys({"id", "path", "content", "title"})
        item_id, path, content, title = r.text("id"), r.text("path"), r.text("content"), r.text(
            "title")
        if item_id is None or path is None or content is None or title is None:
            continue
        if not DIGEST.match(content):
            r.fail("content", "cetak.digest", _(
                "expected sha256: and 64 hex digits; found {value!r}").format(value=content))
            continue
        yield EditionItem(item_id, path, content, title, node.line_at(index))


@dataclass(frozen=True)
class Found:
    """What ``content/cetak/`` holds: the editions read, and the findings on the rest."""

    editions: tuple[Edition, ...] = ()
    findings: tuple[Finding, ...] = ()
    #: repository path of every manifest that could be read
    manifests: frozenset[str] = field(default_factory=frozenset)


def read_edition(root: Path, rel: str) -> tuple[Edition | None, list[Finding]]:
    """The manifest at repository path ``rel``, read without following links."""
    try:
        raw = safefs.read_bytes(root, rel, max_bytes=MAX_MANIFEST)
    except safefs.UnsafePath as exc:
        return None, [error(rel, None, exc.rule, exc.reason)]
    text = decode(raw, rel)
    if text.text is None:
        return None, text.findings
    edition, findings = parse_edition(text.text, rel)
    if edition is None:
        return None, [*text.findings, *findings]
    where = place(rel[len(f"{DOCS}/") :])
    if where is None or where[0] != edition.edition or where[1] != edition.revision:
        line = 1
        return None, [error(rel, line, "cetak.misplaced", _(
            "the manifest of edition {edition} revision {revision} is not in its own folder;"
            " expected it at {expected}"
        ).format(edition=edition.edition, revision=edition.revision,
                 expected=expected_manifest(edition.edition, edition.revision)))]
    return edition, [*text.findings, *findings]


def expected_manifest(edition: str, revision: int) -> str:
    base = f"{PRINT_PREFIX}{edition}/"
    return f"{base}{MANIFEST}" if revision == 1 else f"{base}r{revision}/{MANIFEST}"


def manifest_paths(paths: Iterable[str]) -> list[str]:
    """The manifests among repository paths."""
    out = []
    for rel in paths:
        if rel.startswith(PRINT_PREFIX):
            where = place(rel[len(f"{DOCS}/") :])
            if where is not None and where[2] == MANIFEST:
                out.append(rel)
    return sorted(out)


def pdf_of(manifest: str) -> str:
    return manifest.rsplit("/", 1)[0] + "/" + PDF
