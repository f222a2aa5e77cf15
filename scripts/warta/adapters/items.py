"""Read news items (Markdown with YAML front-matter) into the domain model, with findings."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from warta.adapters.frontmatter import FrontMatterError, split
from warta.adapters.schema import Reader, type_name
from warta.adapters.signoffblock import parse_front_matter
from warta.adapters.textfile import read_text
from warta.adapters.yamlnodes import YamlError, YList, YMap
from warta.model.findings import Finding, error
from warta.model.item import WORKFLOW_KEYS, NewsItem, Signoff

NEWS_DIR = Path("content") / "berita"

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_MAX = 80

#: Front-matter keys Warta knows. Unknown keys are a warning (a typo such as 'titel').
CONTENT_KEYS = frozenset(
    {
        "id",
        "title",
        "date",
        "description",
        "categories",
        "tags",
        "slug",
        "image",
        "ralat",
        "pii_ack",
    }
)
SIGNOFF_KEYS = frozenset({"step", "by", "at", "sig", "content", "note"})


@dataclass
class LoadedItem:
    """What reading one file produced: the item (if its front-matter parsed) and findings."""

    path: str
    item: NewsItem | None
    findings: list[Finding] = field(default_factory=list)


def discover(root: Path) -> Iterator[Path]:
    """Every Markdown file under content/berita/, in a stable order."""
    for path, _, _ in news_files(root):
        yield Path(path)


def news_files(root: Path) -> list[tuple[str, str, bool]]:
    """(path, path relative to ``root``, is a symbolic link) of every Markdown file under
    content/berita/ (a file, or a link to anything), sorted as paths sort."""
    news = root / NEWS_DIR
    if not news.is_dir():
        return []
    prefix = NEWS_DIR.as_posix()
    return [
        (entry.path, "/".join((prefix, *parts)), entry.is_symlink())
        for parts, entry in _markdown_entries(str(news))
        if entry.is_symlink() or _is_file(entry)
    ]


#: Errors that mean "not there" when asking what an entry is (as pathlib ignores them).
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def _is_file(entry: os.DirEntry[str]) -> bool:
    """``Path.is_file`` of a listed entry: follows links; False where nothing is there."""
    try:
        return entry.is_file()
    except OSError as exc:
        if exc.errno not in _ABSENT:
            raise
        return False


def _markdown_entries(
    top: str, skip: tuple[str, ...] | None = None
) -> list[tuple[tuple[str, ...], os.DirEntry[str]]]:
    """Every entry named '*.md' under the folder ``top`` (its path parts below ``top``), as
    Python 3.11's ``Path.rglob('*.md')`` finds them: links to folders are not entered and
    folders that may not be read are skipped; nor is the folder ``skip`` entered. Sorted as
    paths sort (part by part)."""
    found: list[tuple[tuple[str, ...], os.DirEntry[str]]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(top, ())]
    while pending:
        folder, rel = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except PermissionError:
            continue
        for entry in entries:
            parts = (*rel, entry.name)
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                if exc.errno not in _ABSENT:
                    raise
                is_folder = False
            if is_folder and parts != skip:
                pending.append((entry.path, parts))
            if entry.name.endswith(".md"):
                found.append((parts, entry))
    found.sort(key=lambda pair: pair[0])
    return found


def relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


CONTENT_DIR = Path("content")
_WORKFLOW_LINE = re.compile(r"^(status|approved_by|signoffs)\s*:", re.MULTILINE)


def discover_strays(root: Path) -> Iterator[Path]:
    """Markdown files outside content/berita/ whose front-matter carries workflow keys:
    news items in the wrong place, which must never be published as plain pages."""
    content = root / CONTENT_DIR
    if not content.is_dir():
        return
    # where the file is listed counts, not where a link leads: a link under berita/ is read
    # as a news item already (so berita/ is not entered), and one elsewhere leading into
    # berita/ is a stray
    skip = NEWS_DIR.relative_to(CONTENT_DIR).parts
    for parts, entry in _markdown_entries(str(content), skip):
        if not _is_file(entry):  # is_file: no loops
            continue
        path = content.joinpath(*parts)
        try:
            with path.open("rb") as handle:  # only the head: the file may be huge
                head = handle.read(65536).decode("utf-8", errors="replace")
        except OSError:
            continue
        if head.startswith(("---", "\ufeff---")):
            end = head.find("\n---", 3)
            front = head[: end if end != -1 else len(head)]
            if _WORKFLOW_LINE.search(front):
                yield path


def links_into_news(root: Path) -> list[LoadedItem]:
    """Folders outside content/berita/ that are symbolic links into it. MkDocs follows such a
    link and would build the news behind it under another path (``exclude_docs`` sees only
    the link's path), so each is an error of its own, whatever the plugin does."""
    content = root / CONTENT_DIR
    if not content.is_dir():
        return []
    news = (root / NEWS_DIR).resolve()
    found: list[LoadedItem] = []
    for folder, dirs, _files in os.walk(content, followlinks=False):
        for name in sorted(dirs):
            link = Path(folder, name)
            if not link.is_symlink():
                continue
            target = link.resolve()
            display = relative(root, link)
            inside = link.parent.resolve().is_relative_to(news)
            if not inside and (target == news or target.is_relative_to(news)):
                message = (
                    f"{display} is a symbolic link into {NEWS_DIR.as_posix()}/; expected news"
                    " to be reachable only there, found a second path to it that a site"
                    " engine would publish"
                )
                found.append(
                    LoadedItem(display, None, [error(display, None, "item.outside-news", message)])
                )
        dirs[:] = [d for d in dirs if not Path(folder, d).is_symlink()]
    return found


def stray_entries(root: Path) -> list[LoadedItem]:
    """Everything that is news outside content/berita/: never publishable."""
    return [*(load_stray(root, path) for path in discover_strays(root)), *links_into_news(root)]


def load_all(root: Path) -> list[LoadedItem]:
    """Every news item, plus any item found outside content/berita/ (never publishable)."""
    loaded = [load_item(root, path) for path in discover(root)]
    loaded.extend(stray_entries(root))
    return loaded


def load_stray(root: Path, path: Path) -> LoadedItem:
    """An item found outside content/berita/: read, and refused for where it is."""
    entry = load_item(root, path)
    entry.findings.insert(
        0,
        error(
            entry.path,
            1,
            "item.outside-news",
            f"a news item must live under {NEWS_DIR.as_posix()}/; found one at"
            f" {entry.path}, which is never published",
        ),
    )
    return entry


def load_item(root: Path, path: Path) -> LoadedItem:
    display = relative(root, path)
    if path.is_symlink():
        try:
            target = path.resolve()
        except (RuntimeError, OSError):  # a symlink loop
            return LoadedItem(
                display,
                None,
                [
                    error(
                        display,
                        None,
                        "file.unreadable",
                        "expected a file, found a symbolic link that loops back on itself",
                    )
                ],
            )
        if not target.is_relative_to(root.resolve()):
            return LoadedItem(
                display,
                None,
                [
                    error(
                        display,
                        None,
                        "file.symlink-outside",
                        "expected a file inside the repository, found a symbolic link to"
                        f" {target} outside it",
                    )
                ],
            )
    result = read_text(path, display)
    if result.text is None:
        return LoadedItem(display, None, result.findings)
    loaded = parse_item(result.text, display)
    loaded.findings[:0] = result.findings
    return loaded


def parse_item(text: str, display: str) -> LoadedItem:
    """Parse LF text of one news item. Never raises for bad content: problems are findings."""
    findings: list[Finding] = []
    try:
        parts = split(text)
    except FrontMatterError as exc:
        return LoadedItem(display, None, [error(display, exc.line, exc.rule, exc.message)])
    try:
        data = parse_front_matter(parts.yaml_text, first_line=parts.yaml_first_line)
    except YamlError as exc:
        return LoadedItem(display, None, [error(display, exc.line, exc.rule, exc.message)])
    if not isinstance(data, YMap):
        return LoadedItem(
            display,
            None,
            [
                error(
                    display,
                    parts.yaml_first_line,
                    "front-matter.type",
                    f"front-matter must be a mapping of keys to values; found {type_name(data)}",
                )
            ],
        )
    fields = Reader(data, display, findings)
    fields.unknown_keys(CONTENT_KEYS | WORKFLOW_KEYS, severity_error=False)
    item_id = fields.text("id")
    if item_id is not None and (len(item_id) > ID_MAX or not ID_PATTERN.match(item_id)):
        fields.fail(
            "id",
            "id.format",
            "id must be lowercase letters a-z, digits and single hyphens (at most"
            f" {ID_MAX} characters); found {item_id!r}",
        )
        item_id = None
    title = fields.text("title")
    if title is not None and not title.strip():
        fields.fail("title", "schema.empty", "title must not be empty; found empty text")
    _check_date(fields)
    fields.text("description")
    fields.text_list("categories", required=True)
    fields.text_list("tags")
    slug = fields.text("slug", required=False)
    if slug and (len(slug) > ID_MAX or not ID_PATTERN.match(slug)):
        fields.fail(
            "slug",
            "slug.format",
            f"slug must be lowercase letters a-z, digits and single hyphens; found {slug!r}",
        )
    if not parts.body.strip():
        findings.append(
            error(
                display,
                parts.body_first_line - 1,
                "body.empty",
                "expected the text of the news after the front-matter, found none",
            )
        )
    status = fields.text("status")
    approved_by = fields.text("approved_by", required=False, default="") or None
    signoffs, readable = _signoffs(data, display, findings)
    content = {k: v for k, v in data.items() if k not in WORKFLOW_KEYS}
    item = NewsItem(
        path=display,
        id=item_id,
        title=title,
        status=status,
        approved_by=approved_by,
        signoffs=signoffs,
        fields=content,
        body=parts.body,
        lines=dict(data.key_lines),
        signoffs_readable=readable,
        body_line=parts.body_first_line,
    )
    return LoadedItem(display, item, findings)


def _check_date(fields: Reader) -> None:
    value = fields.text("date")
    if value is None:
        return
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        fields.fail(
            "date",
            "date.format",
            f"date must be a date (YYYY-MM-DD) or an ISO 8601 date-time; found {value!r}",
        )


def _signoffs(
    data: YMap, display: str, findings: list[Finding]
) -> tuple[tuple[Signoff, ...], bool]:
    raw = data.get("signoffs")
    if raw is None:
        return (), True
    if not isinstance(raw, YList):
        findings.append(
            error(
                display,
                data.line_of("signoffs"),
                "schema.type",
                f"'signoffs' must be a list of steps; found {type_name(raw)}",
            )
        )
        return (), False
    out: list[Signoff] = []
    readable = True
    for index, entry in enumerate(raw):
        line = raw.line_at(index)
        if not isinstance(entry, YMap):
            findings.append(
                error(
                    display,
                    line,
                    "schema.type",
                    f"signoffs[{index}] must be a mapping with step, by, at;"
                    f" found {type_name(entry)}",
                )
            )
            readable = False
            continue
        before = len(findings)
        fields = Reader(entry, display, findings, where=f"signoffs[{index}].")
        fields.unknown_keys(SIGNOFF_KEYS)
        step = fields.text("step")
        by = fields.text("by")
        at = fields.moment("at")
        sig = fields.text("sig", required=False, default="") or None
        content = fields.text("content", required=False, default="") or None
        note = fields.text("note", required=False, default="") or ""
        if len(findings) != before or step is None or by is None or at is None:
            readable = False
            continue
        out.append(Signoff(step, by, at, line, sig, content, note))
    return tuple(out), readable
