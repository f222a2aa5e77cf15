"""The publication closure: exactly which files may reach the site, and why every other may not.

What reaches the site is (1) an approved item's text and the files it lists, each with its
SHA-256 (the list is part of the signed content, so every signer signs it); (2) the site's own
source, meaning every file MkDocs reads that is not news (pages outside ``berita/``, assets,
``mkdocs.yml``), each listed with its SHA-256 in the manifest an administrator signs; and (3)
what Warta and the theme generate from those. These rules judge facts an adapter observed on
disk (:class:`Observed`) against what was signed; they read nothing themselves.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote, urlsplit

from warta.model.findings import UNSEEN, Finding, error, warning
from warta.model.item import Attachment, NewsItem
from warta.model.photo import COPY_TAIL_MAX, NAME_MAX, PhotoFacts, is_raster
from warta.model.translate import N_, _

DOCS = "content"
NEWS = "berita/"
ITEM_FILE = "index.md"
#: Suffixes MkDocs renders as pages (compared in lowercase: stricter than MkDocs).
PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
#: Suffixes (lowercase) of the photos a browser shows: an item's lead photo is one of them.
PHOTOS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"})
#: Suffixes (lowercase) of files that may be listed by an item; everything else is refused.
PASSIVE = frozenset(
    {
        *PHOTOS,
        *(".pdf", ".txt", ".csv", ".odt", ".ods", ".odp", ".doc", ".docx", ".xls", ".xlsx"),
        *(".ppt", ".pptx", ".mp3", ".m4a", ".ogg", ".oga", ".mp4", ".webm", ".ogv", ".zip"),
    }
)
#: Output paths Warta generates (folders end in '/'): no source file may take them.
GENERATED = (
    "berita/",
    "arsip/",
    "kategori/",
    "reporter/",
    "sop/",
    "buletin/",
    "kinerja/",
    "search/",
    "feed.xml",
    "feed.json",
    "sitemap.xml",
    "sitemap.xml.gz",
    "404.html",
)
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}\Z")
#: A part of a path: no separator, no control character (C0 or C1: a terminal acts on either),
#: no line or paragraph separator and no direction control (:data:`findings.UNSEEN`), and
#: nothing but UTF-8 (a name that is not comes as lone surrogates, which no file can list).
_SEGMENT = re.compile(rf"^[^{UNSEEN}\ud800-\udfff/\\]+\Z")
#: The name of a raster photo's copy, which the site writes beside the original
#: (``foto.jpg-480w.webp``: :func:`warta.mkdocs_plugin.photofiles.copy_name`).
_COPY = re.compile(r"(?P<original>.+)-[0-9]+w\.[^./]+")


class Renderer(Protocol):
    """Renders a body as the site publishes it; gives the (element, URL) pairs it refers to
    (:class:`BodyTooComplex` if rendering it would take unreasonably long)."""

    def references(self, body: str) -> Sequence[tuple[str, str]]: ...

    def images(self, body: str) -> Sequence[tuple[str, str | None]]:
        """The ``(src, alt)`` of every image of the body as published (alt None: none)."""
        ...

    def text(self, body: str) -> str:
        """The body's text as readers see it: the published HTML without tags, its tooltips,
        alternative texts and table of contents too, with character references decoded."""
        ...


class BodyTooComplex(Exception):
    """Rendering a body did not finish within its time budget (Markdown's parser takes
    quadratic time on some inputs, e.g. thousands of unclosed '[' or '<a')."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(
            reason or _("rendering took more than {seconds:g} s").format(seconds=seconds)
        )
        self.seconds = seconds


def too_deep() -> BodyTooComplex:
    """A body Markdown's parser recursed too deeply into (lists or blocks nested hundreds of
    levels deep): refused as a body over the time budget is."""
    return BodyTooComplex(0, _("it is nested too deeply to be rendered"))


def is_page(path: str) -> bool:
    return path.lower().endswith(PAGE_SUFFIXES)


def dest_path(src_uri: str) -> str:
    """Where MkDocs (``use_directory_urls: true``) writes the docs file ``src_uri``."""
    if not is_page(src_uri):
        return src_uri
    parent, name = posixpath.split(src_uri)
    stem = posixpath.splitext(name)[0]
    if stem in ("index", "README"):
        return posixpath.join(parent, "index.html")
    return posixpath.join(parent, stem, "index.html")


def hidden(path: str) -> bool:
    """A path with a part starting with '.': never listed by an item, never published."""
    return any(part.startswith(".") for part in path.split("/"))


def plain_relative(path: str) -> bool:
    """A path inside a folder: no leading '/', no '..' or '.', no empty part, no backslash
    or control character."""
    parts = path.split("/")
    return bool(path) and all(p not in ("", ".", "..") and _SEGMENT.match(p) for p in parts)


@dataclass(frozen=True)
class Observed:
    """A file found on disk: its path (relative to the item's folder, or to the repository
    for the site's own source), what it is, its digest when it is a regular file, and what an
    adapter found wrong with its bytes (an SVG that runs script)."""

    rel: str
    kind: str
    digest: str | None = None
    nlink: int = 1
    target: str = ""
    problems: tuple[str, ...] = ()
    #: what makes a page of the site's own read otherwise than people see it (a CR that ends
    #: no line for git; in its front-matter, which MkDocs reads itself, a line break YAML
    #: sees and people do not): never published, never signed
    findings: tuple[Finding, ...] = ()
    #: what an adapter found in a raster photo of an item's folder (None: not one, or unread)
    photo: PhotoFacts | None = None

    @property
    def regular(self) -> bool:
        return self.kind == "file"


#: What an observed entry that is not a regular file is, in words (its ``kind``).
_KIND_WORDS = {
    "special file": N_("special file"),
    "folder": N_("folder"),
}

#: Why a configured theme folder or hook that is not there is refused (its ``kind``).
_MISSING = {
    "missing folder": N_("expected a folder here, found nothing"),
    "missing file": N_("expected a file here, found nothing"),
}


def kind_problem(entry: Observed) -> tuple[str, str] | None:
    """(rule, why) if ``entry`` is not a regular file with one name."""
    if entry.kind == "symbolic link":
        return (
            "symlink",
            _(
                "expected a regular file, found a symbolic link (to {target!r}); nothing is"
                " published through a link"
            ).format(target=entry.target),
        )
    if entry.kind in _MISSING:
        return "special", _(_MISSING[entry.kind])
    if not entry.regular and entry.problems:  # an adapter said why (too large, unreadable)
        rule = "too-large" if entry.kind.startswith("too-large") else "unreadable"
        return rule, entry.problems[0]
    if not entry.regular:
        kind = _(_KIND_WORDS[entry.kind]) if entry.kind in _KIND_WORDS else entry.kind
        return "special", _("expected a regular file, found a {kind}").format(kind=kind)
    if entry.nlink > 1:
        return (
            "hardlink",
            _(
                "expected a file with one name, found {count} hard links (its bytes could"
                " change through another)"
            ).format(count=entry.nlink),
        )
    return None


def type_problem(rel: str) -> str | None:
    """Why a file of this name may not be published beside an item, or None."""
    if is_page(rel):
        return _("would be rendered as a page of the site; expected photos and attachments only")
    suffix = posixpath.splitext(rel)[1].lower()
    if suffix not in PASSIVE:
        return _("files of this type ({suffix}) are not published beside news items").format(
            suffix=suffix or _("no suffix")
        )
    return None


def to_list(observed: Sequence[Observed]) -> dict[str, str]:
    """What ``files`` lists for a folder holding ``observed`` (what ``warta sign`` writes):
    every regular, unhidden file but the item itself, with its digest."""
    return {
        o.rel: o.digest
        for o in observed
        if o.regular and o.digest and o.rel != ITEM_FILE and not hidden(o.rel)
    }


#: The most bytes of a path in the site (``berita/2026/<slug>/lampiran/…``, a photo's copy
#: counted): Linux takes 4,096 for a whole path, which leaves 3,072 for the folder the site is
#: built into. A path that fits in the repository may not fit there.
SITE_PATH_MAX = 1024


@dataclass(frozen=True)
class TooLong:
    """A file whose name, or path in the site, or those of its copies, would pass the file
    system's limits: writing it, and with it the whole build, would fail."""

    rule: str
    most: int
    found: int


def site_folder(item_path: str) -> str:
    """The path in the site of the folder of the item at ``item_path`` (a repository path
    under ``content/``), ending in '/'."""
    return posixpath.dirname(item_path).removeprefix(DOCS + "/") + "/"


def too_long(folder: str, rel: str) -> TooLong | None:
    """Whether the file at ``rel`` in the item's folder (``folder``: its path in the site,
    ending in '/') could not be written into the site, or a copy of it if it is a raster
    photo (:data:`COPY_TAIL_MAX` bytes longer), and why."""
    tail = COPY_TAIL_MAX if is_raster(rel) else 0
    name = len(posixpath.basename(rel).encode("utf-8", "surrogateescape"))
    if name + tail > NAME_MAX:
        return TooLong("files.long-name", NAME_MAX - tail, name)
    path = len((folder + rel).encode("utf-8", "surrogateescape"))
    if path + tail > SITE_PATH_MAX:
        return TooLong("files.long-path", SITE_PATH_MAX - tail, path)
    return None


def fold(path: str) -> str:
    """``path`` as a file system that ignores case and Unicode form (macOS', Windows') takes
    it: ``Foto.JPG`` and ``foto.jpg`` are one file there, and so are two ``kafé.pdf``, one
    with the letter é and one with e and a combining accent. The build's own output check
    (:func:`warta.mkdocs_plugin.plugin._output_clash`) compares paths so folded."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", path).casefold())


def output_clash(rel: str, raster: Iterable[str]) -> str | None:
    """``rel`` (a path in an item's folder), or the folder of it, at whose path the site
    writes a file of that item: its page (``index.html``) or a copy of one of its ``raster``
    photos (paths in the folder), compared as :func:`fold` makes them. None if there is none:
    otherwise the two could not both be written, or the one written last would stand at the
    other's address."""
    parts, folded = rel.split("/"), fold(rel).split("/")
    photos = {fold(photo) for photo in raster}
    page = dest_path(ITEM_FILE)
    for depth in range(1, len(parts) + 1):
        folder = "/".join(folded[:depth])
        copy = _COPY.fullmatch(folder)
        if folder == page or (copy and copy.group("original") in photos):
            return "/".join(parts[:depth])
    return None


def twins(rels: Iterable[str]) -> dict[str, str]:
    """Each of ``rels`` (the files in one item's folder) that :func:`fold` makes the same as
    another before it by name, or as a folder another lies in -> that other. A file system
    that ignores case and Unicode form holds only one of them, and the build cannot write
    both (the first by name is the one kept)."""
    names = sorted(set(rels))
    same: dict[str, list[str]] = {}
    holders: dict[str, str] = {}
    for rel in names:
        same.setdefault(fold(rel), []).append(rel)
        for folder in folders_of(fold(rel)):
            holders.setdefault(folder, rel)
    out: dict[str, str] = {}
    for rel in names:
        first = same[fold(rel)][0]
        other = first if first != rel else holders.get(fold(rel))
        if other is not None:
            out[rel] = other
    return out


def check_attachments(
    item: NewsItem, observed: Sequence[Observed], *, frozen: bool = True
) -> Iterator[Finding]:
    """Every file in the item's folder is a regular, harmless file; once the content is
    frozen (approved), every one is listed under ``files`` with its exact SHA-256, every
    listed file is there and the lead photo is listed. Before that the list is brought up to
    date by each signature (``warta sign``), so a photo not listed yet is no error, but the
    lead photo must be there."""
    declared = {a.path: a for a in item.attachments}
    line = item.files_line or item.line_of("id")
    raster = {o.rel for o in observed if o.regular and is_raster(o.rel)}
    twinned = twins(o.rel for o in observed if o.kind != "folder")
    for entry in observed:
        if entry.kind == "folder" or entry.rel == ITEM_FILE:
            continue
        clash = output_clash(entry.rel, raster)
        yield from _file_findings(
            item, entry, declared.get(entry.rel), line, frozen=frozen, clash=clash,
            twin=twinned.get(entry.rel),
        )
    if not frozen:
        image = item.image_src
        if image is not None and image not in to_list(observed):
            yield error(
                item.path,
                item.line_of("image"),
                "image.missing",
                _("image.src {image!r} must name a file in the item's folder; found none").format(
                    image=image
                ),
            )
        return
    seen = {entry.rel for entry in observed}
    for path, listed in declared.items():
        if path not in seen:
            yield error(
                item.path,
                listed.line or line,
                "files.missing",
                _(
                    "{path} is listed under 'files' but not in the item's folder; expected the"
                    " signed file, found nothing"
                ).format(path=path),
            )
    image = item.image_src
    if image is not None and image not in declared:
        yield error(
            item.path,
            item.line_of("image"),
            "image.unlisted",
            _("image.src {image!r} must name a file listed under 'files'; found none").format(
                image=image
            ),
        )


def _file_findings(
    item: NewsItem,
    entry: Observed,
    listed: Attachment | None,
    line: int | None,
    *,
    frozen: bool,
    clash: str | None,
    twin: str | None = None,
) -> Iterator[Finding]:
    problem = kind_problem(entry)
    if problem is not None:
        rule, kind_why = problem
        yield error(item.path, line, f"files.{rule}", f"{entry.rel}: {kind_why}")
        return
    if listed is None and hidden(entry.rel):
        yield warning(
            item.path,
            line,
            "files.hidden",
            _(
                "{path} is a hidden file in the item's folder (an editor's or an interrupted"
                " write's leftover?); expected none: it is never listed nor published, remove it"
            ).format(path=entry.rel),
        )
        return
    if listed is None and frozen:
        yield error(
            item.path,
            line,
            "files.unlisted",
            _(
                "{path} is in the item's folder but not listed under 'files'; expected every"
                " published file listed with its SHA-256 (warta sign lists them), found an"
                " unlisted file"
            ).format(path=entry.rel),
        )
        return
    where = listed.line if listed is not None and listed.line else line
    if clash == entry.rel:
        yield error(
            item.path,
            where,
            "files.clash",
            _(
                "{path} has the name of a file the site writes for this item (its page, or a"
                " copy of one of its photos); expected no file of that name, found one: rename"
                " it"
            ).format(path=entry.rel),
        )
        return
    if clash is not None:
        yield error(
            item.path,
            where,
            "files.clash",
            _(
                "{path}: the folder {folder} has the name of a file the site writes for this"
                " item (its page, or a copy of one of its photos); expected no folder of that"
                " name, found one: rename it"
            ).format(path=entry.rel, folder=clash),
        )
        return
    if twin is not None:
        yield error(
            item.path,
            where,
            "files.case-clash",
            _(
                "{path} and {other} differ only in upper and lower case, or in how a letter is"
                " encoded: a file system that ignores those (macOS, Windows) holds only one of"
                " them, and the site cannot publish both; expected names that differ in more,"
                " found both: rename one"
            ).format(path=entry.rel, other=twin),
        )
        return
    why = type_problem(entry.rel)
    if why is not None:
        yield error(item.path, where, "files.type", f"{entry.rel}: {why}")
        return
    long = too_long(site_folder(item.path), entry.rel)
    if long is not None and long.rule == "files.long-name":
        yield error(
            item.path,
            where,
            long.rule,
            _(
                "{path}: the site names each copy of a photo after it ({name}-1600w.webp), and"
                " that name would be longer than a file name may be; expected a name of at"
                " most {most} bytes, found {found}: shorten it"
            ).format(
                path=entry.rel, name=posixpath.basename(entry.rel), most=long.most,
                found=long.found,
            ),
        )
        return
    if long is not None:
        yield error(
            item.path,
            where,
            long.rule,
            _(
                "{path}: its path in the site (with a photo's copy's name, if it is one) would"
                " be too long to be written into the folder the site is built in; expected a"
                " path of at most {most} bytes under content/, found {found}: use fewer or"
                " shorter folder names"
            ).format(path=entry.rel, most=long.most, found=long.found),
        )
        return
    for found in entry.problems:
        yield error(item.path, where, "files.unsafe", f"{entry.rel}: {found}")
    if frozen and listed is not None and entry.digest != listed.digest:
        yield error(
            item.path,
            where,
            "files.changed",
            _("{path} is not the signed file: expected {expected}, found {found}").format(
                path=entry.rel, expected=listed.digest, found=entry.digest
            ),
        )


def reference_target(url: str, folder: str) -> str | None:
    """The site path a relative ``url`` on the page of the item in ``folder`` (site path
    ending in '/') points to, after percent-decoding and normalisation; None for a URL that
    is not relative (a scheme, ``//host``) or only a fragment or query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "?"
    # 'https:../x' has no host: browsers resolve it against the page, as they do '../x'
    web = parts.scheme.lower() in ("http", "https")
    if (parts.scheme and not (web and not parts.netloc)) or parts.netloc or url.startswith("//"):
        return None  # a full address, or another scheme: not inside the site
    path = unquote(parts.path)
    if not path:
        return None
    joined = path if path.startswith("/") else folder + path
    normal = posixpath.normpath("/" + joined.lstrip("/"))
    return normal.lstrip("/") + ("/" if path.endswith("/") and normal != "/" else "")


def check_references(
    item: NewsItem, refs: Iterable[tuple[str, str]], folder: str, files: Iterable[str]
) -> Iterator[Finding]:
    """Every image and link inside the site (``(element, url)`` pairs as published) names a
    file of the item (``files``, paths in its folder: what it lists once approved): another
    item's file, a page or an asset of the site is refused. An image names a photo
    (:data:`PHOTOS`): a browser shows whatever image bytes an ``<img>`` gets, so a phone's
    JPEG listed as ``foto.txt`` would be shown, EXIF and all, never made a clean copy of."""
    listed = {folder + path for path in files}
    reported: set[str] = set()
    for element, url in refs:
        target = reference_target(url, folder)
        if target is None or url in reported:
            continue
        if target in listed:
            if element == "img" and posixpath.splitext(target)[1].lower() not in PHOTOS:
                reported.add(url)
                yield error(
                    item.path,
                    item.body_line,
                    "link.image-type",
                    _(
                        "the body's <img> shows {url!r}, which is not a photo; expected a"
                        " .jpg, .jpeg, .png, .gif, .webp, .avif or .svg file (only photos are"
                        " checked and published as clean copies), found {suffix!r}"
                    ).format(url=url, suffix=posixpath.splitext(target)[1] or "no suffix"),
                )
            continue
        reported.add(url)
        yield error(
            item.path,
            item.body_line,
            "link.unlisted",
            _(
                "the body's <{element}> refers to {url!r} ({target}) inside the site; expected"
                " a file listed under 'files' of this item (or a full https:// URL), found a"
                " target the item does not sign"
            ).format(element=element, url=url, target=target or "?"),
        )


# ---- the site's own source -----------------------------------------------------------


@dataclass(frozen=True)
class Reserved:
    """Output paths no docs file may take: the theme's files (folded by :func:`fold`, with the theme
    that has each) and what Warta generates."""

    theme: Mapping[str, str] = field(default_factory=dict)
    generated: tuple[str, ...] = GENERATED

    def holder(self, dest: str) -> str | None:
        """What already has the output path ``dest``, or a folder or file in its way: a
        file cannot stand where a folder of others' files must be made, nor a file where a
        file of others must be a folder (the build failed on either with a traceback)."""
        folded = fold(dest)
        for place in (folded, *folders_of(folded)):
            theme = self.theme.get(place)
            if theme is not None:
                return _("the theme file {dest} ({theme})").format(dest=place, theme=theme)
        theme = self._theme_folders.get(folded)
        if theme is not None:
            return _("the theme folder {dest}/ ({theme})").format(dest=folded, theme=theme)
        for name in self.generated:
            if name.endswith("/"):
                taken = folded.startswith(name) or folded + "/" == name
            else:
                taken = folded == name or folded.startswith(name + "/")
            if taken:
                return _("{name} (generated by Warta)").format(name=name)
        return None

    @functools.cached_property
    def _theme_folders(self) -> Mapping[str, str]:
        """Each folder of the theme's files (folded) -> the theme that has it."""
        out: dict[str, str] = {}
        for path, theme in self.theme.items():
            for folder in folders_of(path):
                out.setdefault(folder, theme)
        return out


def folders_of(path: str) -> list[str]:
    """The folders ``path`` lies in, outermost first (``a/b/c`` -> ``a``, ``a/b``)."""
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts))]


@dataclass(frozen=True)
class SourceVerdict:
    path: str
    admitted: bool
    findings: tuple[Finding, ...] = ()


def check_site_sources(
    observed: Sequence[Observed],
    signed: Mapping[str, str],
    reserved: Reserved,
    *,
    docs_prefix: str = f"{DOCS}/",
) -> tuple[list[SourceVerdict], list[Finding]]:
    """Judge the site's own files (``observed``: repository-relative paths, news excluded)
    against the administrator-signed manifest ``signed`` (path -> digest): a file is admitted
    only if it is a regular file, listed with its exact digest, and takes no output path of
    the theme, of what Warta generates or of another file (of two files for one output path,
    a signed one keeps it: a junk file never pushes a signed page out). Also the findings
    for signed files that are gone."""
    found: dict[str, list[Finding]] = {}
    outputs: dict[str, list[str]] = {}
    for entry in observed:
        if entry.kind == "folder":
            continue
        found[entry.rel] = list(_source_findings(entry, signed.get(entry.rel)))
        if entry.rel.startswith(docs_prefix):
            dest = dest_path(entry.rel[len(docs_prefix) :])
            holder = reserved.holder(dest)
            if holder is not None:
                found[entry.rel].append(
                    error(
                        entry.rel,
                        None,
                        "site.shadows",
                        _(
                            "would be published at {dest}, which is {holder}; expected no file"
                            " of the site to replace the theme's or Warta's own"
                        ).format(dest=dest, holder=holder),
                    )
                )
            outputs.setdefault(fold(dest), []).append(entry.rel)
    for dest, claimants in outputs.items():
        keeper = next((c for c in claimants if not found[c]), claimants[0])
        for other in claimants:
            if other != keeper:
                found[other].append(
                    error(
                        other,
                        None,
                        "site.duplicate-output",
                        _(
                            "would be published at {dest}, as {keeper} is; expected one file"
                            " per output path"
                        ).format(dest=dest, keeper=keeper),
                    )
                )
    keepers = {dest: next((c for c in cs if not found[c]), None) for dest, cs in outputs.items()}
    for dest, claimants in outputs.items():
        # a file where the folder of another must be: the file outside keeps its place when
        # it is published, and what lies inside that folder is refused
        outer = next(
            (keepers[f] for f in folders_of(dest) if keepers.get(f) is not None), None
        )
        if outer is None:
            continue
        for other in claimants:
            found[other].append(
                error(
                    other,
                    None,
                    "site.output-folder",
                    _(
                        "would be published at {dest}, inside the file {keeper} is published"
                        " as; expected no file of the site under another's output path"
                    ).format(dest=dest_path(other[len(docs_prefix):]), keeper=outer),
                )
            )
    verdicts = [
        SourceVerdict(path, not problems, tuple(problems)) for path, problems in found.items()
    ]
    gone = [
        error(
            path,
            None,
            "site.missing",
            _(
                "listed in workflow/site-manifest.yml but not found; expected the signed file"
                " (an administrator re-signs after removing one)"
            ),
        )
        for path in sorted(signed)
        if path not in found
    ]
    return verdicts, gone


def _source_findings(entry: Observed, expected: str | None) -> Iterator[Finding]:
    problem = kind_problem(entry)
    if problem is not None:
        rule, kind_why = problem
        yield error(entry.rel, None, f"site.{rule}", kind_why)
    elif expected is None:
        yield error(
            entry.rel,
            None,
            "site.unsigned",
            _(
                "the site's own files are published only as an administrator signed them;"
                " expected this file in workflow/site-manifest.yml (warta trust sign), found it"
                " unlisted"
            ),
        )
    elif expected != entry.digest:
        yield error(
            entry.rel,
            None,
            "site.changed",
            _(
                "expected the signed {expected}, found {found}: changed after an administrator"
                " signed it (warta trust sign)"
            ).format(expected=expected, found=entry.digest),
        )


def check_attachment_list(attachments: Sequence[Attachment], path: str) -> Iterator[Finding]:
    """The ``files`` list itself: plain relative paths, each once, digests well formed."""
    seen: set[str] = set()
    for entry in attachments:
        if not plain_relative(entry.path) or entry.path == ITEM_FILE or hidden(entry.path):
            yield error(
                path,
                entry.line,
                "files.format",
                _(
                    "files: path must be a plain path inside the item's folder (no '..', no"
                    " leading '/', no hidden part, no control, line-separator or direction"
                    " character, not index.md); found {path!r}"
                ).format(path=entry.path),
            )
        elif entry.path in seen:
            yield error(
                path,
                entry.line,
                "files.duplicate",
                _("files: {path!r} is listed twice; expected each file once").format(
                    path=entry.path
                ),
            )
        seen.add(entry.path)
        if not DIGEST.match(entry.digest):
            yield error(
                path,
                entry.line,
                "files.format",
                _(
                    "files: sha256 of {path!r} must be 'sha256:' and 64 lowercase hex digits;"
                    " found {digest!r}"
                ).format(path=entry.path, digest=entry.digest),
            )
