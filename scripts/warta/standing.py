"""The approved version an item in correction keeps on the site (a Ralat not yet approved).

While a correction is in progress the file holds the draft, which is never published. The
site keeps the version in force before the correction: :func:`standing_version` looks for it
in the git history of the item's file (read-only: ``rev-list`` and ``cat-file``). A version
counts only if its signed records are exactly the records before the correction, in the
same order and with the same signatures (so it is the approval the correction record
chains to, never an older approved text), its content is the digest the correction record
names, the records of the file as it stands verify (so the correction record is one a
trusted key signed, by a role that may), and it passes every check of the validator like
any item, with the item's folder as it is now. Anything else, and a history without that
version (a shallow clone), leaves the item out: a warning says why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from warta.adapters import gitread
from warta.adapters.items import parse_bytes
from warta.adapters.ssh import signature_line
from warta.adapters.textfile import MAX_BYTES
from warta.errors import UsageError
from warta.i18n import _
from warta.model.findings import Finding, warning
from warta.model.history import read_history
from warta.model.item import NewsItem, Signoff, content_digest
from warta.repository import Repository
from warta.validate import Verdict, conclude, judge

#: How many commits of an item's file are searched for its approved version, the oldest
#: first (each distinct version is read once, a batch at a time: commits pushed since the
#: approval, however many, come after it).
HISTORY_LIMIT = 100_000
#: How many versions holding the last record before the correction are parsed at most, and
#: how many bytes of them: the first is the approved version, unless versions holding a copy
#: of that record's signature come first in the history (a side branch begun before the
#: approval and merged as the first parent, found by an independent attack); each such
#: version costs a parse, so some bound stays, and an item that meets it is left out.
PARSE_LIMIT = 4096
PARSE_BYTES = 64 << 20
#: How many bytes of the file's versions are read at most to find which may be it.
READ_BYTES = 1 << 30


@dataclass(frozen=True)
class Standing:
    """The approved version of an item in correction, as judged, or why there is none."""

    item: NewsItem | None
    verdict: Verdict | None
    finding: Finding | None = None


def _bare(records: tuple[Signoff, ...]) -> tuple[Signoff, ...]:
    return tuple(replace(r, line=None) for r in records)


#: Findings on the file as it stands that mean its records cannot be trusted: then the
#: correction record itself does not count, and nothing of the item is published.
CHAIN_RULES = ("signature.", "order.", "take-back.", "correct.", "signoff.", "time.")


def standing_version(repo: Repository, item: NewsItem, current: Verdict) -> Standing | None:
    """The approved version to publish while ``item`` (the file as it stands) is being
    corrected; None if the item is not in a correction in progress."""
    history = read_history(item, repo.sop)
    record = history.correcting
    if history.problems or record is None or history.withdrawn is not None:
        return None

    def left_out(why: str) -> Standing:
        return Standing(
            None,
            None,
            warning(
                item.path,
                record.line,
                "correct.standing",
                _(
                    "a correction is in progress and {why}; the item is left out of the site"
                    " until the correction is approved"
                ).format(why=why),
            ),
        )

    broken = [f for f in current.findings if f.is_error and f.rule.startswith(CHAIN_RULES)]
    if broken:
        return left_out(
            _("its signed records do not verify ({message})").format(message=broken[0].message)
        )
    found = approved_version(repo, item, record)
    if isinstance(found, str):
        return left_out(found)
    old, parsed = found
    others = [j for j in repo.judgements if j.path != item.path]
    judgement = judge(item.path, old, parsed, repo.context, folder=repo.folder_of(item.path))
    report = conclude(
        [*others, judgement],
        workflow_findings=repo.policy.workflow_findings,
        strict=repo.report.strict,
    )
    verdict = report.verdicts[-1]
    if not verdict.publishable:
        first = next((f for f in verdict.findings if f.is_error), None)
        why = f": {first.message}" if first is not None else ""
        return left_out(
            _("the approved version in the git history is not publishable{why}").format(why=why)
        )
    return Standing(old, verdict)


def approved_version(
    repo: Repository, item: NewsItem, record: Signoff
) -> tuple[NewsItem, list[Finding]] | str:
    """The version of ``item`` that the correction ``record`` corrects, from the git history
    of its file (with the findings its parsing gave), or why it cannot be had. It counts only
    if its signed records are exactly those before ``record`` and its content is the digest
    ``record`` names.

    Each version is read once, and only one whose bytes hold a line of the signature of the
    last record before the correction, and none of the correction record's, is parsed:
    first those a commit bringing the correction record in was made on (the approved
    version, where ``warta correct`` was run), then the others, the oldest first. Versions
    holding a copy of that line on a side branch merged before the correction cost a read,
    not a parse (found by independent attacks)."""
    before = _bare(item.signoffs[: item.signoffs.index(record)])
    marker = signature_line(before[-1].sig) if before else None
    after = signature_line(record.sig)
    try:
        order = _candidates(repo, item.path, marker, after)
        parsed = parsed_bytes = 0
        for start in range(0, len(order), 32):
            found = gitread.read_blobs(repo.root, order[start : start + 32], MAX_BYTES)
            for raw in (found.get(sha) for sha in order[start : start + 32]):
                if raw is None:
                    continue
                if parsed >= PARSE_LIMIT or parsed_bytes >= PARSE_BYTES:
                    return _(
                        "the approved version it corrects ({content}) is not among the first"
                        " {count} versions in the git history of {path} that hold the record"
                        " before the correction"
                    ).format(content=record.content, count=parsed, path=item.path)
                parsed += 1
                parsed_bytes += len(raw)
                loaded = parse_bytes(raw, item.path)
                old = loaded.item
                if old is None or _bare(old.signoffs) != before:
                    continue
                if content_digest(old.fields, old.body) == record.content:
                    return old, list(loaded.findings)
    except UsageError as exc:
        return _("the git history could not be read ({error})").format(error=exc)
    return _(
        "the approved version it corrects ({content}) is not in the git history of {path} (a"
        " shallow clone? fetch the full history: git fetch --unshallow)"
    ).format(content=record.content, path=item.path)


def _candidates(
    repo: Repository, path: str, marker: bytes | None, after: bytes | None
) -> list[str]:
    """The versions (objects) of ``path`` that may be the approved version, in the order to
    parse them: those that hold ``marker`` and not ``after``, first the ones a commit that
    brings ``after`` in was made on, then the rest, the oldest first. At most
    :data:`READ_BYTES` of the history are read."""
    commits = gitread.path_commits(repo.root, path, HISTORY_LIMIT)
    versions = list(dict.fromkeys(blob for _c, _p, blob in commits if blob is not None))
    holds: dict[str, tuple[bool, bool]] = {}  # object -> (holds marker, holds after)
    read = 0
    for start in range(0, len(versions), 32):
        chunk = versions[start : start + 32]
        for sha, raw in gitread.read_blobs(repo.root, chunk, MAX_BYTES).items():
            if raw is not None:
                read += len(raw)
                holds[sha] = (marker is None or marker in raw, after is not None and after in raw)
        if read >= READ_BYTES:
            break
    blob_of = {commit: blob for commit, _parents, blob in commits}

    def state(commit: str) -> tuple[bool, bool]:
        blob = blob_of.get(commit)
        return holds.get(blob, (False, False)) if blob is not None else (False, False)

    first: list[str] = []
    for commit, parents, _blob in commits:
        if state(commit)[1] and not any(state(p)[1] for p in parents):
            first += [b for p in parents if (b := blob_of.get(p)) and holds.get(b) == (True, False)]
    rest = [sha for sha in versions if holds.get(sha) == (True, False)]
    return list(dict.fromkeys([*first, *rest]))

