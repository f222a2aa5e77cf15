"""Read news items (Markdown with YAML front-matter) into the domain model, with findings."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from warta.adapters import safefs
from warta.adapters.frontmatter import FrontMatterError, split
from warta.adapters.schema import Reader, hidden_text, implausible, type_name
from warta.adapters.signoffblock import parse_front_matter
from warta.adapters.textfile import MAX_BYTES, decode
from warta.adapters.yamlnodes import YamlError, YList, YMap
from warta.i18n import _
from warta.model.closure import PHOTOS, check_attachment_list, plain_relative
from warta.model.findings import Finding, error
from warta.model.invisible import check_hidden, format_characters
from warta.model.item import (
    CORRECT,
    RETURN,
    SIGN,
    TAKE_BACKS,
    WORKFLOW_KEYS,
    Attachment,
    LeadImage,
    NewsDate,
    NewsItem,
    Signoff,
    read_news_date,
)
from warta.model.pii import WHAT

NEWS_DIR = Path("content") / "berita"

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
ID_MAX = 80
#: Each category makes or joins a listed page, each tag goes into the feeds: an item with
#: thousands of them (a draft, in every reviewer's preview) would make thousands of pages.
CATEGORIES_MAX = 10
TAGS_MAX = 20
LABEL_MAX = 100
#: A headline, however long, fits in a few lines (an unsigned draft's title is listed in
#: every preview and internal report: 900 KB titles made a report take 41 s for 1,005 pages).
TITLE_MAX = 500
#: A summary of a few sentences (a draft's is on its card in every list of a preview), and
#: at most as long the lead photo's alt text and caption (its credit: TITLE_MAX).
DESCRIPTION_MAX = 1000

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
        "files",
        "ralat",
        "pii_ack",
        "embargo",
    }
)
IMAGE_KEYS = frozenset({"src", "alt", "caption", "credit", "shows_minor", "minor_basis"})
FILE_KEYS = frozenset({"path", "sha256"})
_HEX64 = re.compile(r"^[0-9a-f]{64}\Z")
SIGNOFF_KEYS = frozenset({"step", "by", "at", "sig", "content", "note", "action", "to", "reason"})
ACK_KEYS = frozenset({"rule", "text", "reason"})


@dataclass
class LoadedItem:
    """What reading one file produced: the item (if its front-matter parsed) and findings."""

    path: str
    item: NewsItem | None
    findings: list[Finding] = field(default_factory=list)


def relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


CONTENT_DIR = Path("content")
_WORKFLOW_LINE = re.compile(r"^(status|approved_by|signoffs)\s*:", re.MULTILINE)


def has_workflow_keys(head: bytes) -> bool:
    """Whether the start of a Markdown file has front-matter with workflow keys (a news
    item in the wrong place, which must never be published as a plain page)."""
    text = head.decode("utf-8", errors="replace")
    if not text.startswith(("---", "\ufeff---")):
        return False
    end = text.find("\n---", 3)
    return bool(_WORKFLOW_LINE.search(text[: end if end != -1 else len(text)]))


def refused(display: str, rule: str, message: str) -> LoadedItem:
    return LoadedItem(display, None, [error(display, None, rule, message)])


def load_item(root: Path, rel: str) -> LoadedItem:
    """The item at ``root/rel``, read without following any link (a link, special file or
    oversized file is a finding)."""
    try:
        raw = safefs.read_bytes(root, rel, max_bytes=MAX_BYTES)
    except safefs.UnsafePath as exc:
        return refused(rel, exc.rule, exc.reason)
    return parse_bytes(raw, rel)


def parse_bytes(raw: bytes, display: str) -> LoadedItem:
    """Decode and parse the bytes of one item file. Never raises for bad content."""
    result = decode(raw, display)
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
                    _("front-matter must be a mapping of keys to values; found {found}").format(
                        found=type_name(data)
                    ),
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
            _(
                "id must be lowercase letters a-z, digits and single hyphens (at most"
                " {most} characters); found {value!r}"
            ).format(most=ID_MAX, value=item_id),
        )
        item_id = None
    title = fields.text("title", longest=TITLE_MAX, line=True)
    if title is not None and not title.strip():
        fields.fail("title", "schema.empty", _("title must not be empty; found empty text"))
    news_date = _news_date(fields)
    embargo = fields.moment("embargo") if "embargo" in data else None
    description = fields.text("description", longest=DESCRIPTION_MAX, line=True) or ""
    categories = (
        fields.text_list("categories", required=True, most=CATEGORIES_MAX, longest=LABEL_MAX)
        or ()
    )
    tags = fields.text_list("tags", most=TAGS_MAX, longest=LABEL_MAX) or ()
    slug = fields.text("slug")
    if slug is not None and (len(slug) > ID_MAX or not ID_PATTERN.match(slug)):
        fields.fail(
            "slug",
            "slug.format",
            _(
                "slug must be lowercase letters a-z, digits and single hyphens; found {value!r}"
            ).format(value=slug),
        )
        slug = None
    image = _image(fields, display, findings)
    attachments = _files(data, display, findings)
    _pii_ack(data, display, findings)
    if not parts.body.strip():
        findings.append(
            error(
                display,
                parts.body_first_line - 1,
                "body.empty",
                _("expected the text of the news after the front-matter, found none"),
            )
        )
    if "\\" in parts.yaml_text or format_characters(parts.yaml_text):
        # only an escape ("\u202e") or the character itself puts one in a value
        findings.extend(hidden_text(data, display))
    body_line = parts.body_first_line
    findings.extend(check_hidden(display, _("body"), parts.body, body_line, multiline=True))
    status = fields.text("status")
    revision = fields.integer("revision") if "revision" in data else None
    if revision is not None and not 1 <= revision <= 1_000_000:
        fields.fail(
            "revision",
            "revision.range",
            _("revision must be a whole number from 1 up; found {value}").format(value=revision),
        )
        revision = None
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
        slug=slug,
        attachments=attachments,
        files_line=data.key_lines.get("files"),
        image=image,
        news_date=news_date,
        description=description,
        categories=categories,
        tags=tags,
        revision=revision,
        embargo=embargo,
    )
    return LoadedItem(display, item, findings)


def _image(fields: Reader, display: str, findings: list[Finding]) -> LeadImage | None:
    """The lead photo when ``image`` has a plain path inside the item's folder as ``src``;
    every problem with it (no alt text, a path out of the folder, no photo) is a finding."""
    node = fields.mapping("image", required=False)
    if node is None:
        return None
    image = Reader(node, display, findings, where="image.")
    image.unknown_keys(IMAGE_KEYS)
    src = image.text("src")
    if node.get("alt") is None:
        alt = None
        image.fail(
            "alt",
            "image.alt",
            _("image.alt must describe the photo for readers who cannot see it; found nothing"),
        )
    elif (
        alt := image.text("alt", longest=DESCRIPTION_MAX, line=True)
    ) is not None and not alt.strip():
        image.fail(
            "alt",
            "image.alt",
            _("image.alt must describe the photo for readers who cannot see it; found empty text"),
        )
    caption = image.text("caption", required=False, longest=DESCRIPTION_MAX, line=True)
    credit = image.text("credit", required=False, longest=TITLE_MAX, line=True)
    image.text("minor_basis", required=False)
    image.boolean("shows_minor")
    if src is None:
        return None
    if not src.strip() or ":" in src or not plain_relative(src):
        image.fail(
            "src",
            "image.src",
            _("image.src must be a plain path inside the item's folder; found {value!r}").format(
                value=src
            ),
        )
        return None
    if posixpath.splitext(src)[1].lower() not in PHOTOS:
        image.fail(
            "src",
            "image.type",
            _("image.src must name a photo ({suffixes}); found {value!r}").format(
                suffixes=", ".join(sorted(PHOTOS)), value=src
            ),
        )
    return LeadImage(src, (alt or "").strip(), (caption or "").strip(), (credit or "").strip())


def _mappings(
    data: YMap, key: str, what: tuple[str, str], display: str, findings: list[Finding]
) -> tuple[list[tuple[int, int, YMap]], bool]:
    """The entries of the list ``key`` that are mappings (index, line, entry), and whether
    every entry was one (each one that is not is a finding; ``what`` says what the list and
    each entry should hold, e.g. ('steps', 'step, by, at'))."""
    raw = data.get(key)
    if raw is None:
        return [], True
    if not isinstance(raw, YList):
        findings.append(
            error(
                display,
                data.line_of(key),
                "schema.type",
                _("'{key}' must be a list of {what}; found {found}").format(
                    key=key, what=what[0], found=type_name(raw)
                ),
            )
        )
        return [], False
    out: list[tuple[int, int, YMap]] = []
    whole = True
    for index, entry in enumerate(raw):
        line = raw.line_at(index)
        if isinstance(entry, YMap):
            out.append((index, line, entry))
            continue
        findings.append(
            error(
                display,
                line,
                "schema.type",
                _("{key}[{index}] must be a mapping with {what}; found {found}").format(
                    key=key, index=index, what=what[1], found=type_name(entry)
                ),
            )
        )
        whole = False
    return out, whole


def _files(data: YMap, display: str, findings: list[Finding]) -> tuple[Attachment, ...]:
    """The ``files`` list: each entry ``{path, sha256}``."""
    out: list[Attachment] = []
    entries, _whole = _mappings(
        data, "files", ("{path, sha256}", _("path and sha256")), display, findings
    )
    for index, line, entry in entries:
        fields = Reader(entry, display, findings, where=f"files[{index}].")
        fields.unknown_keys(FILE_KEYS)
        path = fields.text("path")
        digest = fields.text("sha256")
        if path is None or digest is None:
            continue
        if not _HEX64.match(digest):
            fields.fail(
                "sha256",
                "files.format",
                _("files[{index}].sha256 must be 64 lowercase hex digits; found {value!r}").format(
                    index=index, value=digest[:70]
                ),
            )
            continue
        out.append(Attachment(path, f"sha256:{digest}", line))
    findings.extend(check_attachment_list(out, display))
    return tuple(out)


def _pii_ack(data: YMap, display: str, findings: list[Finding]) -> None:
    """``pii_ack``: each entry ``{rule, text, reason}``, all text, for a rule that can be
    acknowledged (one that is not is a finding, and acknowledges nothing)."""
    entries, _whole = _mappings(
        data, "pii_ack", ("{rule, text, reason}", _("rule, text and reason")), display, findings
    )
    for index, _line, entry in entries:
        fields = Reader(entry, display, findings, where=f"pii_ack[{index}].")
        fields.unknown_keys(ACK_KEYS)
        rule = fields.text("rule")
        fields.text("text")
        fields.text("reason")
        if rule is not None and rule not in WHAT:
            fields.fail(
                "rule",
                "schema.value",
                _("pii_ack[{index}].rule must be one of {rules}; found {value!r}").format(
                    index=index, rules=", ".join(sorted(WHAT)), value=rule
                ),
            )


def _news_date(fields: Reader) -> NewsDate | None:
    """The signed ``date`` (:func:`read_news_date`), if it reads and is plausible."""
    value = fields.text("date")
    if value is None:
        return None
    moment = read_news_date(value)
    if moment is None:
        fields.fail(
            "date",
            "date.format",
            _("date must be a date (YYYY-MM-DD) or an ISO 8601 date-time; found {value!r}").format(
                value=value
            ),
        )
        return None
    problem = implausible(moment)
    if problem is not None:
        fields.fail(
            "date",
            "date.range",
            _("date must fall {problem}; found {value!r}").format(problem=problem, value=value),
        )
        return None
    return moment


def _absent(fields: Reader, key: str, what: str) -> str:
    """'' when ``key`` is absent, as it must be for ``what``; else a finding (and None)."""
    if key in fields.data:
        fields.fail(
            key,
            "signoff.key",
            _("{key} does not belong in {what} record; found it").format(key=key, what=what),
        )
    return ""


def _signoffs(
    data: YMap, display: str, findings: list[Finding]
) -> tuple[tuple[Signoff, ...], bool]:
    entries, readable = _mappings(data, "signoffs", (_("steps"), "step, by, at"), display, findings)
    out: list[Signoff] = []
    for index, line, entry in entries:
        before = len(findings)
        fields = Reader(entry, display, findings, where=f"signoffs[{index}].")
        fields.unknown_keys(SIGNOFF_KEYS)
        action = fields.text("action", required=False, default=SIGN) or SIGN
        kind = _("a '{action}'").format(action=action)
        step = fields.text("step") if action == SIGN else _absent(fields, "step", kind)
        to = fields.text("to") if action == RETURN else _absent(fields, "to", kind)
        by = fields.text("by")
        at = fields.moment("at")
        sig = fields.text("sig", required=False, default="") or None
        if sig is not None and "sig" not in entry.literal:
            findings.append(
                error(
                    display,
                    entry.line_of("sig"),
                    "signature.armour",
                    _(
                        "signoffs[{index}].sig is not written as 'warta sign' wrote it;"
                        " expected a literal block ('sig: |' with the signature's lines"
                        " below it), found it quoted or folded (the same signature written"
                        " another way makes the record read as another one)"
                    ).format(index=index),
                )
            )
        content = fields.text("content", required=False, default="") or None
        note = fields.text("note", required=False, default="") or ""
        reason = ""
        if action in TAKE_BACKS:  # (its signature covers no note: one would be unsigned)
            note = _absent(fields, "note", kind)
            reason = fields.text("reason") or ""
            if not reason.strip() and "reason" in entry:
                fields.fail(
                    "reason", "take-back.reason", _("reason must say why; found empty text")
                )
        elif action == CORRECT:
            _absent(fields, "reason", kind)
            if not note.strip():
                fields.fail(
                    "note",
                    "correct.note",
                    _("a correction needs a note (the Ralat text readers see); found none"),
                )
        elif action != SIGN:
            fields.fail(
                "action",
                "signoff.action",
                _(
                    "action must be 'return', 'withdraw' or 'correct' (or absent for a step);"
                    " found {value!r}"
                ).format(value=action),
            )
        else:
            _absent(fields, "reason", _("a step"))
        if len(findings) != before or step is None or to is None or by is None or at is None:
            readable = False
            continue
        out.append(Signoff(step, by, at, line, sig, content, note, action, to, reason))
    return tuple(out), readable
