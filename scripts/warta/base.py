"""``warta validate --base REF``: the change compared with the branch it is to be merged into.

Reads the base with git (objects only: nothing from the change runs) and hands both sides to
the pure comparison in :mod:`warta.model.freshness`: serials of the workflow files, and the
signed history and revision of every item that was signed at the base.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace

from warta.adapters import gitread, safefs
from warta.adapters.editionfile import PRINT_PREFIX, parse_edition
from warta.adapters.items import parse_item
from warta.adapters.sitemanifest import SITE_MANIFEST_PATH
from warta.adapters.textfile import MAX_BYTES, read_repo_text
from warta.adapters.workflow import ROSTER_PATH, SOP_PATH
from warta.adapters.yamlnodes import YamlError, parse
from warta.i18n import _
from warta.model.edition import MANIFEST
from warta.model.edition import check_revoked_since as edition_revoked_since
from warta.model.findings import Finding, error
from warta.model.freshness import (
    Signed,
    chain_of,
    check_items,
    check_serials,
    check_taken_back,
)
from warta.model.item import NewsItem
from warta.model.signing import check_revoked_since
from warta.repository import Repository
from warta.validate import (
    Report,
    Verdict,
    check_order,
    check_signed,
    check_signers,
    check_times,
)

_ITEM = re.compile(r"^content/berita/[^/]+/[^/]+/index\.md\Z")
#: The workflow files whose serial must never go back.
SERIAL_FILES = tuple(p.as_posix() for p in (SOP_PATH, ROSTER_PATH, SITE_MANIFEST_PATH))


def serial_of(text: str | None) -> int | None:
    """The top-level ``serial`` of a workflow file's text (None without a readable one)."""
    if text is None:
        return None
    try:
        data = parse(text)
    except YamlError:
        return None
    value = data.get("serial") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _lenient(raw: bytes) -> str:
    """An item's bytes at the base as text, every way of ending a line read as LF and a
    byte-order mark left out: the history it holds is the bar, however it is written."""
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def signed(item: NewsItem) -> Signed | None:
    if item.id is None or not item.signoffs_readable:
        return None
    return Signed(
        item.path,
        item.id,
        chain_of(tuple(s.sig for s in item.signoffs)),
        1 + sum(1 for s in item.signoffs if not s.is_step),
        item.line_of("signoffs"),
    )


def check_base(
    repo: Repository, ref: str, *, elsewhere: Mapping[str, str] | None = None
) -> list[Finding]:
    """Every finding of the change against ``ref`` (a usage error if ``ref`` is no commit).
    ``elsewhere``: the commits whose items may hold a take-back this change stops short of,
    with a ref naming each (None: every ref of the repository)."""
    root = repo.root
    commit = gitread.resolve(root, ref)
    blobs = [
        b
        for b in gitread.tree(root, commit, ["content/berita", "workflow"])
        if b.mode in gitread.REGULAR and (_ITEM.match(b.path) or b.path in SERIAL_FILES)
    ]
    data = gitread.read_blobs(root, (b.sha for b in blobs), MAX_BYTES)
    base_items: dict[str, Signed] = {}
    base_serials: dict[str, int | None] = {}
    base_bytes: dict[str, bytes | None] = {}
    for blob in sorted(blobs, key=lambda b: b.path):
        raw = data.get(blob.sha)
        if blob.path in SERIAL_FILES:
            text = raw.decode("utf-8", "replace").replace("\r\n", "\n") if raw is not None else None
            base_serials[blob.path] = serial_of(text)
            base_bytes[blob.path] = raw
        elif raw is not None:
            # read whatever the file holds, however it is written (a byte-order mark, CR
            # line ends): an item the base's reader could not read dropped out of the
            # comparison, and the next change could restore or delete it unchecked
            item = parse_item(_lenient(raw), blob.path).item
            entry = signed(item) if item is not None else None
            known = base_items.get(entry.id) if entry is not None else None
            if entry is not None and (known is None or len(entry.chain) > len(known.chain)):
                base_items[entry.id] = entry  # (the longest history an id had is the bar)
    now_items: dict[str, list[Signed]] = {}
    for item in repo.items.values():
        entry = signed(item)
        if entry is not None:
            now_items.setdefault(entry.id, []).append(entry)
    now_serials: dict[str, int | None] = {}
    changed: dict[str, bool] = {}
    for path in SERIAL_FILES:
        current = read_repo_text(root, path)
        now_serials[path] = serial_of(current.text)
        try:
            mine: bytes | None = safefs.read_bytes(root, path, max_bytes=MAX_BYTES)
        except (OSError, safefs.UnsafePath):
            mine = None
        changed[path] = mine != base_bytes.get(path)
    short = f"{ref} ({commit[:10]})"
    grown = [
        item
        for item in repo.items.values()
        if (entry := signed(item)) is not None
        and len(entry.chain) > len(base_items[entry.id].chain if entry.id in base_items else ())
    ]
    versions, too_many = _versions_elsewhere(repo, commit, grown, elsewhere)
    held = {item_id: len(entry.chain) for item_id, entry in base_items.items()}
    return [
        *_check_revoked(repo, grown, held),
        *check_serials(base_serials, now_serials, changed, short),
        *check_items(base_items, now_items, short),
        *check_taken_back(
            grown,
            versions,
            short,
            office=repo.policy.trust.office,
            gate=repo.sop.gate.id,
            held=held,
        ),
        *too_many,
        *_check_editions(repo, commit, short),
    ]


def _check_revoked(
    repo: Repository, grown: list[NewsItem], held: Mapping[str, int]
) -> Iterator[Finding]:
    """No record this change adds is signed with a key revoked by the gate's day."""
    ctx = repo.context
    today = ctx.local(ctx.now).date()
    for item in grown:
        yield from check_revoked_since(
            item, held.get(item.id or "", 0), roster=ctx.roster, today=today,
            day_of=ctx.local_day, verifier=ctx.verifier, office=ctx.office,
        )


#: The checks a version found elsewhere passes before its take-back counts: its records in
#: order, each by a person who may sign it, with a valid signature, at a time not to come.
_RECORD_CHECKS = (check_order, check_signers, check_signed, check_times)


#: The most versions of the items a change signs further that the gate reads from other refs
#: (distinct files holding one of their ids); more is refused, not read (a writer's branches,
#: each naming a signed copy at thousands of paths, made every gate take minutes; found by
#: an independent attack).
MAX_VERSIONS = 1000


def _versions_elsewhere(
    repo: Repository, commit: str, grown: list[NewsItem], tips: Mapping[str, str] | None
) -> tuple[list[tuple[str, NewsItem]], list[Finding]]:
    """The versions of the ``grown`` items at the tip of every other ref, where they differ
    from the base ``commit`` (tree objects compared; each distinct file read and judged
    once), each with its records verified: a take-back that does not verify takes nothing
    back. An error instead when more than :data:`MAX_VERSIONS` hold their ids."""
    if not grown:
        return [], []
    root = repo.root
    tips = gitread.ref_tips(root) if tips is None else tips
    wanted = {new.id for new in grown if new.id is not None}
    blobs: dict[str, tuple[str, str]] = {}  # blob id: (its path, where it is first)
    others = [tip for tip in tips if tip != commit]
    for tip, files in gitread.changed_files(root, commit, others, "content/berita").items():
        for path, blob in files:
            if _ITEM.match(path) and blob not in blobs:
                blobs[blob] = (path, f"{tips[tip]}:{path}")
    data = gitread.read_blobs(root, blobs, MAX_BYTES, missing_ok=True)
    ids = [i.encode("utf-8") for i in wanted]
    holding = [b for b in blobs if (raw := data.get(b)) and any(i in raw for i in ids)]
    if len(holding) > MAX_VERSIONS:
        first = grown[0]
        return [], [
            error(
                first.path,
                first.line_of("signoffs"),
                "history.taken-back",
                _(
                    "{count} versions of the items this change signs further stand on other"
                    " refs; expected at most {most} to search for a take-back: remove the"
                    " branches that copy them"
                ).format(count=len(holding), most=MAX_VERSIONS),
            )
        ]
    ctx = repo.context
    out: list[tuple[str, NewsItem]] = []
    for blob in holding:
        path, where = blobs[blob]
        item = parse_item(_lenient(data[blob] or b""), path).item
        if item is None or item.id not in wanted or not item.signoffs_readable:
            continue
        if not any(f.is_error for check in _RECORD_CHECKS for f in check(item, ctx)):
            out.append((where, item))
    return out, []


def _check_editions(repo: Repository, commit: str, short: str) -> Iterator[Finding]:
    """A signed edition is never taken away or changed: every manifest the base holds with
    a signature must be here, signed alike (deleting the newest revision would put an older
    one back on the site; an edition is superseded by a new revision, never removed). A
    manifest the base does not hold is not signed with a key revoked by the gate's day."""
    root = repo.root
    blobs = [
        b for b in gitread.tree(root, commit, [PRINT_PREFIX.rstrip("/")])
        if b.mode in gitread.REGULAR and b.path.endswith("/" + MANIFEST)
    ]
    data = gitread.read_blobs(root, (b.sha for b in blobs), MAX_BYTES)
    now = {e.path: e for e in repo.editions}
    held: dict[str, str] = {}  # the base's signed manifests: path -> signature
    for blob in sorted(blobs, key=lambda b: b.path):
        raw = data.get(blob.sha)
        text = raw.decode("utf-8", "replace") if raw is not None else ""
        before, _problems = parse_edition(text, blob.path)
        if before is None or not before.sig:
            continue
        held[blob.path] = before.sig
        after = now.get(blob.path)
        if after is None or after.sig != before.sig:
            yield error(blob.path, None, "cetak.removed", _(
                "edition {edition} revision {revision}, signed in {base}, is gone or changed"
                " (or no longer verifies); expected it as it was: an edition is superseded by"
                " a new revision ('warta cetak'), never deleted or edited"
            ).format(edition=before.edition, revision=before.revision, base=short))
    ctx = repo.context
    for path, edition in sorted(now.items()):
        if edition.sig is not None and held.get(path) != edition.sig:
            yield from edition_revoked_since(
                edition, ctx.roster, ctx.verifier, zone=ctx.zone,
                today=ctx.local(ctx.now).date(), office=ctx.office,
            )


def with_base(report: Report, findings: list[Finding]) -> Report:
    """``report`` with the base findings added: a workflow file gone back in time means no
    workflow file and no item is trusted; an item's own findings make it unpublishable; the
    others (a signed item removed) are findings about the source as a whole."""
    by_path: dict[str, list[Finding]] = {}
    workflow: list[Finding] = []
    rest: list[Finding] = []
    paths = {v.path for v in report.verdicts}
    for finding in findings:
        if finding.path in SERIAL_FILES:
            workflow.append(finding)
        elif finding.path in paths:
            by_path.setdefault(finding.path, []).append(finding)
        else:
            rest.append(finding)
    untrusted = any(f.is_error for f in workflow)
    verdicts: list[Verdict] = []
    for verdict in report.verdicts:
        extra = by_path.get(verdict.path, [])
        blocked = untrusted or any(f.is_error for f in extra)
        verdicts.append(
            replace(
                verdict,
                findings=[*verdict.findings, *extra],
                publishable=verdict.publishable and not blocked,
            )
        )
    return replace(
        report,
        verdicts=verdicts,
        workflow=[*report.workflow, *workflow],
        site=[*report.site, *rest],
    )

