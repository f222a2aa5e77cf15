"""The one pipeline from a repository's files to verdicts, used by every command.

1. The policy is read once: trust root, ``sop.yml``, ``roster.yml``, the site manifest and
   ``mkdocs.yml``, with the checks of their signatures (:func:`load_policy`).
2. The tree is listed once, never following a link (:func:`scan`): the items under
   ``content/berita/<year>/<slug>/index.md`` with what their folders hold, stray files, and
   the site's own files.
3. Every item is judged (in worker processes when there are many; the verdict cache skips
   unchanged ones), the site's own files are judged against the signed manifest, and the
   report concludes who may be published (:func:`open_repository`).

``warta validate``, ``verify``, ``status``, ``sign``, ``log``, ``build``, ``preview`` and the
MkDocs plugin all read a repository through here, so the publication closure is decided in
exactly one place: :attr:`Repository.closure`.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from warta.adapters import clock, offices, safefs, tofu
from warta.adapters.cachekey import cache_home, inside, repo_cache_dir, tracked_cache
from warta.adapters.digests import DigestCache
from warta.adapters.editionfile import pdf_of
from warta.adapters.frontmatter import FrontMatterError, split
from warta.adapters.git import tracked_attributes
from warta.adapters.items import LoadedItem, has_workflow_keys, load_item, parse_bytes, refused
from warta.adapters.itemstore import ItemStore
from warta.adapters.photos import LargePhoto, reading_ahead
from warta.adapters.photostore import FactsCache, learn
from warta.adapters.pins import resolve_pin
from warta.adapters.render import MarkdownRenderer, Rendered
from warta.adapters.rendercache import RenderStore
from warta.adapters.serials import Serial, check_rollback, read_serials
from warta.adapters.siteconfig import SiteConfig, builtin_extensions, read_site_config
from warta.adapters.sitemanifest import (
    CONFIG_FILE,
    SITE_MANIFEST_PATH,
    Allow,
    SiteManifest,
    load_site_manifest,
)
from warta.adapters.ssh import SshsigVerifier
from warta.adapters.textfile import MAX_BYTES, decode
from warta.adapters.theme import theme_files
from warta.adapters.trust import (
    TrustRoot,
    check_trust,
    check_workflow_signature,
    load_trust_root,
)
from warta.adapters.verdicts import VerdictCache, policy_digest
from warta.adapters.workflow import ROSTER_PATH, SOP_PATH, load_roster, load_sop
from warta.adapters.yamlnodes import YamlError, YMap, parse
from warta.bulk import Judges, Setup, Work, default_jobs, renderer_for
from warta.editions import is_print_file, judge_editions
from warta.errors import UsageError
from warta.i18n import _, ngettext
from warta.model.closure import (
    DOCS,
    ITEM_FILE,
    Observed,
    Reserved,
    SourceVerdict,
    check_site_sources,
    is_page,
)
from warta.model.demokeys import is_demo_key
from warta.model.edition import Edition, listing_problems
from warta.model.findings import Finding, error, notice, visible, warning
from warta.model.item import NewsItem
from warta.model.judgement import Judgement
from warta.model.photo import PhotoFacts, is_inspected
from warta.model.pin import Pin
from warta.model.roster import Roster
from warta.model.signing import fingerprint
from warta.model.sop import Sop, unknown_reporter_step
from warta.progress import NO_PROGRESS, Progress
from warta.site.assets import svg_problems
from warta.site.sanitize import Policy as HtmlPolicy
from warta.validate import Context, Report, conclude, judge

NEWS_DIR = Path("content") / "berita"
_NEWS = f"{NEWS_DIR.as_posix()}/"
SIGNATURES_FILE = "verified-signatures"
#: Attachments larger than this are refused (a photo straight from a camera is ~12 MB).
MAX_ATTACHMENT = 100 * 1024 * 1024
_ITEM = re.compile(r"^content/berita/[^/]+/[^/]+/index\.md\Z")


def find_root(start: Path) -> Path:
    """The repository root: ``start`` itself, or the nearest parent holding workflow/sop.yml."""
    start = start.resolve()
    if not start.exists():
        raise UsageError(_("{path}: no such directory").format(path=start))
    for candidate in (start, *start.parents):
        if (candidate / SOP_PATH).is_file():
            return candidate
    return start


@dataclass
class Policy:
    """The workflow files, trust root and site configuration of a repository, and what
    checking them found (``workflow_findings``: any error there blocks every item)."""

    root: Path
    sop: Sop
    roster: Roster
    trust: TrustRoot
    zone: ZoneInfo
    now: datetime
    verifier: SshsigVerifier
    workflow_findings: list[Finding]
    manifest: SiteManifest
    site: SiteConfig | None
    html: HtmlPolicy
    cache: bool = True
    #: The trust root's pin in force and where it came from (never the repository).
    pin: Pin | None = None
    #: The signed serial of each workflow file, by repository path ("workflow/sop.yml").
    serials: dict[str, int] = field(default_factory=dict)
    #: The line of each file's ``serial:``.
    serial_lines: dict[str, int] = field(default_factory=dict)

    @property
    def trusted(self) -> bool:
        return not any(f.is_error for f in self.workflow_findings)

    def context(self, renderer: MarkdownRenderer | None = None) -> Context:
        return Context(
            self.sop, self.roster, self.zone, self.now, self.verifier, self.trust.office, renderer
        )


def load_policy(
    root: Path,
    *,
    now: datetime | None = None,
    pin: str | None = None,
    cache: bool = True,
    remember: bool = True,
) -> Policy:
    """Load the trust root, workflow files and site configuration (ConfigError if one is
    missing or broken) and check their signatures and rules, the pin in force (``pin``: the
    ``--trust-root`` option) and this machine's trust-on-first-use record (``remember``
    False: record nothing there, for a copy of an older revision read in passing)."""
    sop, sop_findings = load_sop(root)
    roster, roster_findings = load_roster(root, sop)
    trust = load_trust_root(root)
    manifest, manifest_findings = load_site_manifest(root)
    serials = read_serials(root)
    pinned = resolve_pin(root, pin)
    record = tofu.read_record(root)
    moment = now or clock.now()
    cache = cache and cache_allowed(root)
    cache_file = repo_cache_dir(root) / SIGNATURES_FILE if cache else None
    verifier = SshsigVerifier(cache_file)
    direct = SshsigVerifier()  # three signatures: verified every time, never cached
    signatures = [
        finding
        for rel in (SOP_PATH, ROSTER_PATH, SITE_MANIFEST_PATH)
        for finding in check_workflow_signature(root, rel, trust, direct)
    ]
    demo = is_demo(roster, signatures)
    in_force, tofu_findings = (
        (pinned, []) if pinned is not None else tofu.first_use(trust, record, moment)
    )
    if pinned is None:  # (a pin is the office's word: it always wins)
        claims = offices.conflict(root, trust, offices.read_register(root))
        if claims:
            tofu_findings.append(offices.conflict_finding(trust, claims))
    workflow = [
        *check_trust(trust, pinned, demo=demo),
        *tofu_findings,
        *sop_findings,
        *roster_findings,
        *manifest_findings,
        *signatures,
    ]
    workflow.extend(_demo_key_findings(roster, demo))
    workflow.extend(_workflow_entries(root))
    workflow.extend(check_rollback(serials, record.serials, str(record.path), trust.fingerprint))
    workflow.extend(_cache_findings(root))
    workflow.extend(_attribute_findings(root))
    # what an administrator allowed counts only from workflow files that verify under the
    # trust root in force: an unsigned site manifest's allow list made an unsigned
    # mkdocs.yml's Python names and extensions pass (found by an independent attack)
    trusted = not any(f.is_error for f in workflow)
    site, site_findings = read_site_config(root, manifest.allow if trusted else Allow())
    workflow.extend(site_findings)
    html = HtmlPolicy()
    if site is not None:
        unsigned = _config_signed(site, manifest)
        workflow.extend(unsigned)
        if unsigned or not trusted:
            # an unsigned configuration chooses nothing of the renderer: item bodies are
            # rendered with MkDocs' own extensions only (nothing is published meanwhile;
            # a "safe" extension's options read a file outside the repository in the gate:
            # codehilite's font_name for Pygments' image formatter; an independent attack)
            site = replace(site, extensions=builtin_extensions(), python_names=frozenset())
        hosts = site.warta.get("embed_hosts")
        html = HtmlPolicy.of(hosts) if isinstance(hosts, list) else HtmlPolicy()
    if remember:
        workflow.extend(_remember(root, trust, serials, workflow, moment))
    zone = ZoneInfo(sop.timezone)
    return Policy(
        root,
        sop,
        roster,
        trust,
        zone,
        moment,
        verifier,
        workflow,
        manifest,
        site,
        html,
        cache,
        in_force,
        {path: s.value for path, s in serials.items()},
        {path: s.line for path, s in serials.items()},
    )


def _remember(
    root: Path, trust: TrustRoot, serials: Mapping[str, Serial], found: list[Finding], now: datetime
) -> list[Finding]:
    """Record the trust root (unless it contradicts the pin or the record) and, when the
    workflow verified, the serials: this machine's memory against a later swap or rollback."""
    if any(f.rule in ("trust.pin-mismatch", "trust.changed", offices.RULE) for f in found):
        return []
    verified = not any(f.is_error for f in found)
    try:
        tofu.remember(
            root,
            now=now,
            trust_root=trust.fingerprint,
            serials={p: s.value for p, s in serials.items()} if verified else None,
        )
    except OSError as exc:
        return [tofu.unwritable(tofu.record_path(root), exc)]
    if verified:  # (only a trust root whose workflow verified claims its office)
        try:
            offices.claim(root, trust, now)
        except OSError as exc:
            return [offices.unwritable(exc)]
    return []


def cache_allowed(root: Path) -> bool:
    """Caches are used only where a commit cannot plant them: outside the repository."""
    return not inside(cache_home(), root)


def _cache_findings(root: Path) -> list[Finding]:
    """A cache folder inside the repository is never read; say so where it could mislead."""
    out = []
    tracked = tracked_cache(root)
    if tracked:
        out.append(
            warning(
                tracked[0],
                None,
                "cache.in-repository",
                ngettext(
                    "expected no cache in the repository; found {count} file of .warta-cache/"
                    " tracked by git. Warta never reads it (its caches live in this user's cache"
                    " folder, outside the working tree): remove it with"
                    " git rm -r --cached .warta-cache",
                    "expected no cache in the repository; found {count} files of .warta-cache/"
                    " tracked by git. Warta never reads it (its caches live in this user's cache"
                    " folder, outside the working tree): remove it with"
                    " git rm -r --cached .warta-cache",
                    len(tracked),
                ).format(count=len(tracked)),
            )
        )
    if not cache_allowed(root):
        out.append(
            warning(
                str(cache_home()),
                None,
                "cache.in-repository",
                _(
                    "expected this user's cache folder outside the repository; found {folder}"
                    " inside it (XDG_CACHE_HOME), where a commit could plant entries and their"
                    " key, so nothing is cached"
                ).format(folder=cache_home()),
            )
        )
    return out


#: The git attributes that make a checkout write a file otherwise than git holds it.
CONVERTING = frozenset({"text", "eol", "crlf", "working-tree-encoding", "ident", "filter"})


def _attribute_findings(root: Path) -> list[Finding]:
    """A ``.gitattributes`` git tracks that converts files on checkout: the gate judges the
    bytes git holds, but every clone (CI's deploy, an editor's) writes others, so a push
    the gate accepted broke the deploy (``workflow/roster.yml working-tree-encoding=
    UTF-16LE``) or changed published files (``*.svg eol=crlf``)."""
    out = []
    for rel in tracked_attributes(root):
        try:
            text = safefs.read_bytes(root, rel, max_bytes=MAX_BYTES).decode("utf-8", "replace")
        except (OSError, safefs.UnsafePath):
            continue  # (not in the working tree: nothing of it is checked out here)
        for number, line in enumerate(text.splitlines(), start=1):
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            for attribute in fields[1:]:
                name = attribute.split("=", 1)[0]
                if name in CONVERTING:
                    out.append(
                        error(
                            rel,
                            number,
                            "git.attributes",
                            _(
                                "expected no git attribute that converts files on checkout;"
                                " found {attribute}, so every clone (CI's deploy, an"
                                " editor's) would hold other bytes than git does, and than the"
                                " gate judged (remove it; -text and binary are fine)"
                            ).format(attribute=visible(attribute)),
                        )
                    )
    return out


def _workflow_entries(root: Path) -> list[Finding]:
    """Nothing under workflow/ is a link, a special file or a hard link, read or not: the
    trust Warta places in that folder must not reach outside it."""
    out = []
    for entry in safefs.walk(root, "workflow"):
        if entry.kind is safefs.Kind.LINK:
            found = _("found a symbolic link (to {target!r})").format(target=entry.target)
        elif entry.kind is safefs.Kind.SPECIAL:
            found = _("found a special file")
        elif entry.kind is safefs.Kind.FILE and entry.nlink > 1:
            found = _("found a file with {count} hard links").format(count=entry.nlink)
        elif entry.refused is not None:  # a folder that could not be listed
            found = entry.refused.found
        else:
            continue
        out.append(
            error(
                entry.rel,
                None,
                "workflow.symlink",
                _(
                    "expected only regular files and folders under workflow/, {found}; nothing"
                    " is trusted while it is there"
                ).format(found=found),
            )
        )
    return out


def _config_signed(site: SiteConfig, manifest: SiteManifest) -> list[Finding]:
    expected = manifest.files.get(CONFIG_FILE)
    if expected == site.digest:
        return []
    signed = _("unlisted") if expected is None else _("signed {digest}").format(digest=expected)
    return [
        error(
            CONFIG_FILE,
            None,
            "site.config-unsigned",
            _(
                "mkdocs.yml is not as an administrator signed it ({signed}, found {found});"
                " expected the signed configuration, so no item is published and the site is"
                " not built (an administrator reviews it and runs warta trust sign)"
            ).format(signed=signed, found=site.digest),
        )
    ]


def is_demo(roster: Roster, signatures: Iterable[Finding]) -> bool:
    """Whether the repository is marked as a demo: ``demo: true`` in roster.yml, and
    roster.yml's signature verifies (an unsigned marker must not silence a warning)."""
    roster_path = ROSTER_PATH.as_posix()
    return roster.demo and not any(f.is_error and f.path == roster_path for f in signatures)


def _demo_key_findings(roster: Roster, demo: bool) -> list[Finding]:
    """The roster's demo keys: a warning, or a notice (never blocking) in a demo repository."""
    out = []
    if demo:
        out.append(
            notice(
                ROSTER_PATH.as_posix(),
                roster.demo_line,
                "roster.demo",
                _(
                    "roster.yml marks this repository as a demonstration (demo: true), so its"
                    " DEMO keys are notices that never block, even under --strict; a real office"
                    " removes this line and re-signs the roster (then they are warnings)"
                ),
            )
        )
    keys = [
        (p, k)
        for p in roster.people.values()
        for k in p.keys
        if k.demo or is_demo_key(k.public_key)
    ]
    if not keys:
        return out
    names = ", ".join(f"{p.id} {fingerprint(k.public_key)}" for p, k in keys)
    return [
        *out,
        (notice if demo else warning)(
            ROSTER_PATH.as_posix(),
            keys[0][0].line,
            "roster.demo-key",
            ngettext(
                "the roster holds {count} DEMO key, whose private half is public under"
                " tests/demo/keys: {names}; expected each person's own key",
                "the roster holds {count} DEMO keys, whose private halves are public under"
                " tests/demo/keys: {names}; expected each person's own key",
                len(keys),
            ).format(count=len(keys), names=names),
        ),
    ]


# ---- the tree --------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSource:
    """An item file (``content/berita/<year>/<slug>/index.md``), its bytes as listed and
    their digest (both None when it could not be read as a regular file; the bytes alone
    None when the listing knew the file unchanged since an earlier run and did not read it:
    :meth:`bytes` reads them then), and what its folder holds (paths relative to the
    folder)."""

    rel: str
    folder: tuple[Observed, ...]
    raw: bytes | None = None
    digest: str | None = None

    def bytes(self, root: Path) -> bytes | None:
        """The item's bytes as listed (None if they could not be read): read now if the
        listing did not, and then only if they still have the listed digest (else
        UnsafePath)."""
        if self.raw is not None or self.digest is None:
            return self.raw
        try:
            return safefs.read_verified(root, self.rel, self.digest, max_bytes=MAX_BYTES)
        except OSError as exc:
            raise safefs.UnsafePath(self.rel, str(exc), "unreadable") from None


@dataclass(frozen=True)
class Tree:
    items: tuple[ItemSource, ...]
    strays: tuple[safefs.Entry, ...]
    sources: tuple[Observed, ...]
    #: the files under content/cetak/ (printed editions: :mod:`warta.editions` judges them)
    prints: tuple[Observed, ...] = ()


def _how_to_read(rel: str) -> tuple[str, int]:
    """How the listing reads each file: an item whole; the files in an item's folder for
    their digest (an SVG whole, to be checked); strays under berita/ not at all; the site's
    own files for their digest and head."""
    return _reading(rel, safefs.KEEP)


def _how_to_read_new(rel: str) -> tuple[str, int]:
    """As :func:`_how_to_read`, but an item known unchanged since an earlier run is not
    read (its bytes are read when they are needed: :meth:`ItemSource.bytes`)."""
    return _reading(rel, safefs.KEEP_NEW)


def _reading(rel: str, item: str) -> tuple[str, int]:
    if not rel.startswith(_NEWS):
        return (safefs.KEEP, MAX_BYTES) if is_page(rel) else (safefs.DIGEST, MAX_ATTACHMENT)
    parts = rel.split("/")
    if len(parts) < 5:
        return safefs.SKIP, 0
    if len(parts) == 5 and parts[4] == ITEM_FILE:
        return item, MAX_BYTES
    if rel.lower().endswith(".svg"):
        return safefs.KEEP, MAX_BYTES
    return safefs.DIGEST, MAX_ATTACHMENT


#: What a raster photo of an item holds: (repository path, digest, suffix) -> its facts.
FactsOf = Callable[[str, str, str], PhotoFacts]


def observe(
    entry: safefs.Entry,
    rel: str,
    *,
    check_svg: bool,
    facts: FactsOf | None = None,
    check_page: bool = False,
) -> Observed:
    """What ``entry`` (as listed and read) is, with its digest (and, for an SVG, what makes
    it unsafe; for a page, whether it carries workflow keys); with ``facts``, what it holds
    if it is a photo whose bytes are checked (a raster photo or a GIF: a regular file, one
    name)."""
    if entry.kind is not safefs.Kind.FILE or entry.nlink > 1:  # (refused for what it is)
        return Observed(rel, entry.kind.value, None, entry.nlink, entry.target)
    if entry.refused is not None:
        return Observed(
            rel, f"{entry.refused.code} file", None, entry.nlink, problems=(entry.refused.reason,)
        )
    problems: tuple[str, ...] = ()
    if check_svg and rel.lower().endswith(".svg") and entry.data is not None:
        problems = tuple(
            _("unsafe SVG: {problem}").format(problem=p) for p in svg_problems(entry.data)
        )
    if is_page(rel) and has_workflow_keys((entry.data or b"")[:65536]):
        problems = (*problems, "outside-news")
    found = page_findings(rel, entry.data) if check_page and is_page(rel) and entry.data else ()
    photo = None
    if facts is not None and entry.digest is not None and not problems and is_inspected(rel):
        photo = facts(entry.rel, entry.digest, posixpath.splitext(rel)[1].lower())
    return Observed(
        rel, "file", entry.digest, entry.nlink, problems=problems, findings=found, photo=photo
    )


def page_findings(rel: str, data: bytes) -> tuple[Finding, ...]:
    """What makes the site page ``rel`` (its bytes ``data``) read otherwise than people see
    it: a CR that ends no line for git, or in a Markdown page's front-matter, which MkDocs
    reads itself, what Warta's YAML reader refuses (a line break YAML sees and people do
    not, a duplicate key, a tag)."""
    result = decode(data, rel)
    errors = tuple(f for f in result.findings if f.is_error)
    if result.text is None or errors:
        return errors
    if not result.text.startswith("---"):
        return ()
    try:
        parts = split(result.text)
    except FrontMatterError:
        return ()  # (no front-matter MkDocs would read as such)
    try:
        parse(parts.yaml_text, first_line=parts.yaml_first_line)
    except YamlError as exc:
        return (error(rel, exc.line, exc.rule, exc.message),)
    return ()


def observe_folder(root: Path, folder: str) -> tuple[Observed, ...]:
    """What the item folder ``folder`` (repository path ending in '/') holds now, paths
    relative to it."""
    facts = photo_facts(root, None)
    return tuple(
        observe(e, e.rel[len(folder) :], check_svg=True, facts=facts)
        for e in safefs.walk(root, folder, read=_how_to_read)
        if e.rel[len(folder) :] != ITEM_FILE
    )


def _photos_in(
    entries: Iterable[safefs.Entry], folders: Container[str]
) -> list[tuple[str, str, str]]:
    """What :func:`observe` asks the facts of, for each photo in one of the item
    ``folders``: its repository path, digest and suffix."""
    wanted = []
    for entry in entries:
        parts = entry.rel.split("/")
        folder = "/".join(parts[:4]) + "/"
        if (
            len(parts) > 4
            and folder in folders
            and entry.rel[len(folder) :] != ITEM_FILE
            and entry.kind is safefs.Kind.FILE
            and entry.nlink <= 1
            and entry.refused is None
            and entry.digest is not None
            and is_inspected(entry.rel)
        ):
            wanted.append((entry.rel, entry.digest, posixpath.splitext(entry.rel)[1].lower()))
    return wanted


def _facts_ahead(facts: FactsOf, wanted: Sequence[tuple[str, str, str]], jobs: int) -> FactsOf:
    """``facts``, with those of the ``wanted`` photos found first on ``jobs`` threads
    (hashlib and Pillow let other threads run while they digest and decode: a cold
    validation of 1,000 photos spent most of its first second here, on one core), but a
    large one's (:class:`~warta.adapters.photos.LargePhoto`)."""
    if jobs < 2 or len(wanted) < 2:
        return facts
    def early(rel: str, digest: str, suffix: str) -> PhotoFacts | None:
        try:
            return facts(rel, digest, suffix)
        except LargePhoto:  # (inspected when it is asked for, on the thread that asks)
            return None

    with ThreadPoolExecutor(max_workers=jobs, initializer=reading_ahead) as pool:
        found = dict(zip(wanted, pool.map(lambda w: early(*w), wanted), strict=True))

    def ahead(rel: str, digest: str, suffix: str) -> PhotoFacts:
        known = found.get((rel, digest, suffix))
        return known if known is not None else facts(rel, digest, suffix)

    return ahead


def photo_facts(root: Path, cache: FactsCache | None) -> FactsOf:
    """What the photos of items hold, read through ``cache`` (None: read each again)."""

    def facts(rel: str, digest: str, suffix: str) -> PhotoFacts:
        def read() -> bytes | None:
            try:
                return safefs.read_bytes(root, rel, max_bytes=MAX_ATTACHMENT)
            except (safefs.UnsafePath, OSError):
                return None

        if cache is None:
            return learn(digest, suffix, read)
        return cache.facts(digest, suffix, read)

    return facts


def scan(
    root: Path,
    site: SiteConfig | None,
    digests: safefs.Digests | None = None,
    facts: FactsOf | None = None,
    *,
    lazy_items: bool = False,
    jobs: int = 1,
) -> Tree:
    """List ``content/`` (and the configuration's own files) once, following no link and
    reading each file at most once (a large one not at all if ``digests`` knows it
    unchanged; with ``lazy_items``, an item neither); with ``facts``, what each raster photo
    of an item holds too (found on ``jobs`` threads)."""
    read = _how_to_read_new if lazy_items else _how_to_read
    entries = safefs.walk(root, DOCS, read=read, digests=digests)
    items: dict[str, safefs.Entry] = {
        e.rel[: -len(ITEM_FILE)]: e for e in entries if _ITEM.match(e.rel)
    }
    grouped: dict[str, list[Observed]] = {f: [] for f in items}
    if facts is not None:
        facts = _facts_ahead(facts, _photos_in(entries, grouped), jobs)
    strays: list[safefs.Entry] = []
    sources: list[Observed] = []
    prints: list[Observed] = []
    news = f"{NEWS_DIR.as_posix()}/"
    for entry in entries:
        if entry.rel.startswith(news):
            parts = entry.rel.split("/")
            folder = "/".join(parts[:4]) + "/" if len(parts) > 4 else None
            if folder in grouped:
                rel = entry.rel[len(folder) :]
                if rel != ITEM_FILE:
                    grouped[folder].append(observe(entry, rel, check_svg=True, facts=facts))
            elif entry.kind is not safefs.Kind.DIR:
                strays.append(entry)
            continue
        if entry.rel == NEWS_DIR.as_posix() and entry.kind is safefs.Kind.DIR:
            continue
        if entry.kind is not safefs.Kind.DIR:
            into = prints if is_print_file(entry.rel) else sources
            into.append(observe(entry, entry.rel, check_svg=False, check_page=True))
    if safefs.lstat_kind(root / DOCS) is safefs.Kind.LINK:
        sources.append(Observed(DOCS, "symbolic link", target="?"))
    for extra in _config_files(root, site):
        sources.extend(extra)
    return Tree(
        tuple(
            ItemSource(
                f"{folder}{ITEM_FILE}",
                tuple(grouped[folder]),
                items[folder].data,
                items[folder].digest if items[folder].refused is None else None,
            )
            for folder in sorted(items, key=lambda f: f.split("/"))
        ),
        tuple(strays),
        tuple(sources),
        tuple(prints),
    )


def _config_files(root: Path, site: SiteConfig | None) -> Iterable[list[Observed]]:
    """The theme folder and hooks an administrator allowed: part of the site's source."""
    if site is None:
        return
    whole = lambda rel: (safefs.DIGEST, MAX_ATTACHMENT)  # noqa: E731
    if site.custom_dir:
        folder = site.custom_dir.rstrip("/")
        found = safefs.walk(root, folder, read=whole)
        if not found and safefs.lstat_kind(root / folder) is not safefs.Kind.DIR:
            yield [Observed(folder, "missing folder")]
        yield [
            observe(e, e.rel, check_svg=False, check_page=True)
            for e in found
            if e.kind is not safefs.Kind.DIR
        ]
    for hook in site.hooks:
        parent = hook.rsplit("/", 1)[0] if "/" in hook else ""
        entry = next((e for e in safefs.walk(root, parent, read=whole) if e.rel == hook), None)
        yield [observe(entry, hook, check_svg=False)] if entry else [Observed(hook, "missing file")]


def discover(root: Path) -> list[Path]:
    """The item files of the repository at ``root``, in path order."""
    return [root / source.rel for source in scan(root, None).items]


# ---- the repository -------------------------------------------------------------------


@dataclass
class Repository:
    """A judged repository: the policy, what is on disk, the report and (when asked for)
    the items as read and their bodies as the site renders them."""

    root: Path
    policy: Policy
    tree: Tree
    report: Report
    judgements: list[Judgement] = field(default_factory=list)
    items: dict[str, NewsItem] = field(default_factory=dict)
    renderer: MarkdownRenderer | None = None
    #: the printed editions whose manifest and PDF verify (every revision)
    editions: tuple[Edition, ...] = ()

    @property
    def sop(self) -> Sop:
        return self.policy.sop

    @property
    def roster(self) -> Roster:
        return self.policy.roster

    @property
    def context(self) -> Context:
        return self.policy.context(self.renderer)

    def rendered(self, item: NewsItem) -> Rendered | None:
        return self.renderer.render(item.body) if self.renderer is not None else None

    def keep_rendered(self) -> None:
        """Keep what this run rendered for the next (when there is a render cache)."""
        renderer = self.renderer
        if renderer is not None and isinstance(renderer.store, RenderStore):
            renderer.store.save(renderer.done)

    def store_rendered(self) -> None:
        """Write what this run rendered so far into the render cache, and stop holding it:
        the run finds those bodies there, read one at a time, as it needs them (a body the
        file does not hold after all is rendered again)."""
        renderer = self.renderer
        if renderer is not None and isinstance(renderer.store, RenderStore):
            renderer.store.add(renderer.done)
            renderer.done.clear()

    def folder_of(self, path: str) -> tuple[Observed, ...]:
        for source in self.tree.items:
            if source.rel == path:
                return source.folder
        return ()

    @property
    def admitted_sources(self) -> Mapping[str, str]:
        """The site's own files that may be published: repository path -> signed digest
        (a printed edition's PDF: the digest its verified manifest signed)."""
        signed = dict(self.policy.manifest.files)
        signed.update((pdf_of(e.path), e.pdf) for e in self.editions)
        return {v.path: signed[v.path] for v in self.report.sources if v.admitted}


class ReadItems:
    """The items one reading of a repository kept, by path and the SHA-256 of the exact
    bytes they were read from, for the next reading in the same process (a preview reads
    the repository again after each change): an item whose file holds the same bytes at the
    same path is not parsed again. Reading an item is a function of those two alone, and
    items are frozen; the verdict of every file is judged (or found in the verdict cache) as
    before. Only the last reading's items are held (not their bytes)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, bytes], NewsItem] = {}
        self._next: dict[tuple[str, bytes], NewsItem] = {}

    def get(self, path: str, raw: bytes) -> NewsItem | None:
        return self._items.get((path, hashlib.sha256(raw).digest()))

    def put(self, path: str, raw: bytes, item: NewsItem) -> None:
        self._next[(path, hashlib.sha256(raw).digest())] = item

    def done(self) -> None:
        """The reading is over: its items are the ones the next reading may take."""
        self._items, self._next = self._next, {}


def open_repository(
    root: Path,
    *,
    now: datetime | None = None,
    pin: str | None = None,
    strict: bool = False,
    jobs: int | None = None,
    cache: bool = True,
    keep_items: bool = False,
    remember: bool = True,
    progress: Progress = NO_PROGRESS,
    read: ReadItems | None = None,
) -> Repository:
    """Read and judge the repository at ``root`` (ConfigError if its workflow is broken).

    With ``keep_items``, every readable item is kept as read (for status, sign, the site)
    and bodies stay rendered; with ``read`` too, an item the last reading kept is taken
    from it when its file has the same bytes (:class:`ReadItems`). ``progress`` is told of
    the reading and of each item judged."""
    root = root.resolve()
    cache = cache and cache_allowed(root)
    pinned = resolve_pin(root, pin)
    digest_pin = pinned.fingerprint if pinned is not None else None
    before = policy_digest(root, digest_pin) if cache else None
    policy = load_policy(root, now=now, pin=pin, cache=cache, remember=remember)
    after = policy_digest(root, digest_pin) if cache else None  # not changed meanwhile
    verdicts = VerdictCache.open(root, before) if before is not None and after == before else None
    digests = DigestCache.open(root) if cache else None
    facts = FactsCache.open(root) if cache else None
    progress.start(None, _("reading files"))
    try:
        tree = scan(
            root,
            policy.site,
            digests,
            photo_facts(root, facts),
            lazy_items=not keep_items,
            jobs=default_jobs() if jobs is None else jobs,
        )
        renderer = renderer_for(policy.site, policy.html)
        if renderer is not None and cache and keep_items:
            renderer.store = RenderStore.open(root, renderer.setup())
        ctx = policy.context(renderer)
        kept = ItemStore.open(root) if cache and keep_items else None
        judged, items = _judge_items(
            root=root,
            policy=policy,
            tree=tree,
            ctx=ctx,
            renderer=renderer,
            verdicts=verdicts,
            jobs=jobs,
            keep=keep_items,
            progress=progress,
            read=read if keep_items else None,
            kept=kept,
        )
    finally:
        progress.done()
    judged.extend(_judge_strays(tree, ctx))
    sources, gone = _judge_sources(policy, tree)
    gone.extend(_reporter_problem(policy))
    printed = judge_editions(
        root,
        tree.prints,
        policy.sop,
        policy.roster,
        policy.verifier,
        office=policy.trust.office,
        zone=policy.zone,
        now=policy.now,
        listing=_listing_check(root, tree, items, judged, policy.sop),
    )
    sources.extend(printed.verdicts)
    report = conclude(
        judged,
        workflow_findings=policy.workflow_findings,
        strict=strict,
        items=[items.get(j.path) for j in judged],
        sources=sources,
        site_findings=gone,
    )
    policy.verifier.save()
    if verdicts is not None:
        verdicts.save()
    if digests is not None:
        digests.save()
    if facts is not None:
        facts.save()
    if kept is not None:
        kept.save()
    return Repository(root, policy, tree, report, judged, items, renderer, printed.editions)


def _listing_check(
    root: Path, tree: Tree, items: Mapping[str, NewsItem], judged: Sequence[Judgement], sop: Sop
) -> Callable[[Edition], Iterator[Finding]]:
    """What keeps an edition off the site because of the items it lists (each as the
    repository judged it; read again from its bytes where the verdict cache spared that)."""
    judgements = {j.path: j for j in judged}
    sources = {s.rel: s for s in tree.items}

    def item_of(path: str) -> NewsItem | None:
        if path in items:
            return items[path]
        source = sources.get(path)
        try:
            raw = source.bytes(root) if source is not None else None
        except safefs.UnsafePath:
            return None
        return parse_bytes(raw, path).item if raw is not None else None

    def state_of(path: str) -> tuple[Sequence[Finding], bool]:
        judgement = judgements.get(path)
        if judgement is None:
            return (), False
        return (*judgement.reader, *judgement.found), judgement.embargoed

    return lambda edition: listing_problems(edition, item_of, state_of, sop)


def _judge_items(
    *,
    root: Path,
    policy: Policy,
    tree: Tree,
    ctx: Context,
    renderer: MarkdownRenderer | None,
    verdicts: VerdictCache | None,
    jobs: int | None,
    keep: bool,
    progress: Progress,
    read: ReadItems | None = None,
    kept: ItemStore | None = None,
) -> tuple[list[Judgement], dict[str, NewsItem]]:
    judged: list[Judgement | None] = [None] * len(tree.items)
    items: dict[str, NewsItem] = {}
    setup = Setup(
        policy.sop,
        policy.roster,
        policy.trust.office,
        policy.now,
        str(policy.verifier.cache_file) if policy.verifier.cache_file else None,
        policy.verifier.secret,
        policy.site,
        policy.html,
        keep,
    )
    jobs = default_jobs() if jobs is None else jobs
    judges = Judges(ctx, policy.verifier, renderer, setup, jobs, progress=progress)
    raws: dict[int, bytes] = {}
    progress.start(len(tree.items), _("judging files"))
    try:
        for index, source in enumerate(tree.items):
            key = None
            if verdicts is not None and source.digest is not None:
                key = verdicts.key(source.rel, source.digest, _folder_key(source.folder))
                judged[index] = verdicts.get(key, source.rel, ctx.now, ctx.zone)
            if judged[index] is not None:
                progress.advance()  # the verdict cache knew it
                if keep and source.raw is not None:
                    raws[index] = source.raw
                continue
            raw = _bytes_of(root, source)
            if isinstance(raw, LoadedItem):  # unreadable: the finding says why
                judged[index] = judge(raw.path, None, raw.findings, ctx)
                progress.advance()
            else:
                judges.add(Work(index, source.rel, raw, source.folder, key))
        for work, outcome, cacheable in judges.results():
            judged[work.index] = outcome.judgement
            if keep and outcome.item is not None:
                items[work.display] = outcome.item
                if read is not None:
                    read.put(work.display, work.raw, outcome.item)
                if kept is not None:
                    kept.put(work.display, work.raw, outcome.item)
            if verdicts is not None and work.key is not None and cacheable:
                verdicts.put(work.key, outcome.judgement, ctx.now, ctx.zone)
    finally:
        judges.close()
    for index, raw in raws.items():  # judged from the cache: read now, not judged again
        path = tree.items[index].rel
        item = _read_again(path, raw, read, kept)
        if item is not None:
            items[path] = item
            if read is not None:
                read.put(path, raw, item)
    if read is not None:
        read.done()
    return [j for j in judged if j is not None], items


def _read_again(
    path: str, raw: bytes, read: ReadItems | None, kept: ItemStore | None
) -> NewsItem | None:
    """The item in ``raw`` at ``path``, whose verdict was cached: as this process or an
    earlier run read it from the same bytes, else read now."""
    item = read.get(path, raw) if read is not None else None
    if item is None and kept is not None:
        item = kept.get(path, raw)
    if item is None:
        item = parse_bytes(raw, path).item
    if item is not None and kept is not None:
        kept.put(path, raw, item)
    return item


def _bytes_of(root: Path, source: ItemSource) -> bytes | LoadedItem:
    """The bytes of the item ``source`` lists, or why they cannot be read (as findings)."""
    try:
        raw = source.bytes(root)
    except safefs.UnsafePath as exc:
        return refused(source.rel, exc.rule, exc.reason)
    return load_item(root, source.rel) if raw is None else raw


def _folder_key(folder: Iterable[Observed]) -> bytes:
    """What an item's folder holds, as bytes for the verdict cache's key."""
    return "\n".join(
        f"\0{o.rel}\0{o.kind}\0{o.digest}\0{o.nlink}\0{o.target}\0{'|'.join(o.problems)}"
        f"\0{o.photo.key() if o.photo is not None else ''}"
        for o in folder
    ).encode("utf-8", "surrogateescape")


def _reporter_problem(policy: Policy) -> list[Finding]:
    """The site's ``reporter_step``, if it names no step of the SOP: the build refused it,
    and the bulletin printed no reporter at all (found by an independent attack)."""
    site = policy.site
    if site is None or "reporter_step" not in site.warta:
        return []
    value = site.warta["reporter_step"]
    if policy.sop.reporter_step(value) is not None:
        return []
    line = site.warta.line_of("reporter_step") if isinstance(site.warta, YMap) else None
    why = unknown_reporter_step(value, policy.sop)
    return [error(CONFIG_FILE, line, "site.reporter-step", why)]


def _judge_strays(tree: Tree, ctx: Context) -> list[Judgement]:
    """Files under content/berita/ outside any item's folder: never published."""
    out = []
    for entry in tree.strays:
        if entry.refused is not None:  # a folder (or file) that could not be listed or read
            unreadable = refused(entry.rel, entry.refused.rule, entry.refused.reason)
            out.append(judge(unreadable.path, None, unreadable.findings, ctx))
            continue
        what = {
            safefs.Kind.LINK: _("a symbolic link"),
            safefs.Kind.SPECIAL: _("a special file"),
        }.get(entry.kind, _("a file"))
        entry_refused = refused(
            entry.rel,
            "file.stray",
            _(
                "{path} is {what} under {news}/ outside any item's folder; expected only"
                " {news}/<year>/<slug>/index.md and the files it lists, so it is not published"
            ).format(path=entry.rel, what=what, news=NEWS_DIR.as_posix()),
        )
        out.append(judge(entry_refused.path, None, entry_refused.findings, ctx))
    return out


def _judge_sources(policy: Policy, tree: Tree) -> tuple[list[SourceVerdict], list[Finding]]:
    """The site's own files against the signed manifest (mkdocs.yml is judged as workflow:
    without it nothing is built)."""
    reserved = Reserved(theme_files())
    observed = [o for o in tree.sources if o.rel != CONFIG_FILE]
    signed = {p: d for p, d in policy.manifest.files.items() if p != CONFIG_FILE}
    verdicts, gone = check_site_sources(observed, signed, reserved)
    out: list[SourceVerdict] = []
    strays = {o.rel for o in observed if "outside-news" in o.problems}
    unseen = {o.rel: o.findings for o in observed if o.findings}
    for judged in verdicts:
        verdict = (
            SourceVerdict(judged.path, False, (*unseen[judged.path], *judged.findings))
            if judged.path in unseen  # (a page that reads otherwise than it shows)
            else judged
        )
        if verdict.path not in strays:
            out.append(verdict)
            continue
        stray = error(
            verdict.path,
            1,
            "item.outside-news",
            _(
                "a news item must live under {news}/; found one at {path}, which is never published"
            ).format(news=NEWS_DIR.as_posix(), path=verdict.path),
        )
        out.append(SourceVerdict(verdict.path, False, (stray, *verdict.findings)))
    return out, gone
