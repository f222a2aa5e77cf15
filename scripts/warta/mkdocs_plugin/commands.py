"""``warta build`` and ``warta preview``: MkDocs builds driven in-process, as a gate.

Before any MkDocs code runs, Warta reads and judges the repository (:mod:`warta.repository`):
mkdocs.yml must be the one an administrator signed and use nothing that runs or includes code
or files. MkDocs is then handed the configuration Warta read (never the file: MkDocs' own
reader would run ``!!python/object``, resolve ``!ENV`` and merge ``INHERIT``) and the judged
repository, so the plugin does not read it again. After the build, ``warta build`` also
audits the output for any trace of an unpublished item. A preview turns on the plugin's
preview mode, which no mkdocs.yml option can do, and always builds outside the deployable
site_dir. Each phase (judging, the pages, the audit) is told to the caller's
:class:`~warta.progress.Progress`.
"""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from mkdocs.commands.build import build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer

from warta import i18n
from warta.adapters import safefs, stops
from warta.adapters.cachekey import cache_home
from warta.adapters.photostore import CopyStore
from warta.adapters.siteconfig import plain
from warta.adapters.sitemanifest import CONFIG_FILE
from warta.bulk import default_jobs, pool_context
from warta.errors import ConfigError, UsageError, WartaError
from warta.i18n import _, ngettext
from warta.mkdocs_plugin.auditcache import AuditStore, file_key
from warta.mkdocs_plugin.config import config_problems
from warta.mkdocs_plugin.keptoutput import KeptOutput, remove_all
from warta.mkdocs_plugin.plugin import WartaPlugin, finding_text, site_problems
from warta.mkdocs_plugin.progress import KEY, PageProgress
from warta.mkdocs_plugin.watching import PreviewObserver
from warta.model.findings import visible
from warta.model.photo import is_raster
from warta.progress import NO_PROGRESS, Progress
from warta.repository import ReadItems, Repository, find_root, open_repository
from warta.site import audit
from warta.site.markup import render

log = logging.getLogger("mkdocs.warta")

#: Signals that stop a build or a preview as Ctrl+C does (unless ignored: see
#: :mod:`warta.adapters.stops`).
STOPS = (signal.SIGTERM, signal.SIGHUP)


class BuildFailed(WartaError):
    """The site was not built (strict-mode findings, a plugin or theme error)."""

    exit_code = 1


class _Stderr(logging.StreamHandler[TextIO]):
    """Writes to ``sys.stderr`` as it is when a record comes (as logging's last resort
    does), so that lines logged while a progress bar shows are printed above it."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        del value


@contextmanager
def _mkdocs_logging() -> Iterator[None]:
    """Print MkDocs' log (and so the gate's findings) as ``mkdocs build`` does."""
    logger = logging.getLogger("mkdocs")
    if logger.handlers:
        yield
        return
    handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _root_of(config_file: Path) -> Path:
    """The repository whose signed mkdocs.yml ``config_file`` must be."""
    if not config_file.exists():
        raise UsageError(
            _("{path}: no such file (expected the site's mkdocs.yml)").format(path=config_file)
        )
    root = find_root(config_file.resolve().parent)
    if config_file.resolve() != (root / CONFIG_FILE).resolve() or config_file.name != CONFIG_FILE:
        raise UsageError(
            _(
                "{path}: the site is built from {config} at the repository root, the file an"
                " administrator signed; found another file"
            ).format(path=config_file, config=CONFIG_FILE)
        )
    return root


def judged(
    config_file: Path,
    *,
    pin: str | None,
    strict: bool = False,
    cache: bool = True,
    progress: Progress = NO_PROGRESS,
    jobs: int | None = None,
    read: ReadItems | None = None,
) -> Repository:
    """The repository of ``config_file``, judged (``strict``: as ``warta validate --strict``
    judges it), or BuildFailed when its configuration is not the one an administrator signed
    (then no MkDocs code runs at all). ``read``: the items an earlier reading kept."""
    root = _root_of(config_file)
    repo = open_repository(
        root,
        pin=pin,
        keep_items=True,
        strict=strict,
        cache=cache,
        progress=progress,
        jobs=jobs,
        read=read,
    )
    problems = site_problems(repo)
    if problems:
        listed = "".join(f"\n  {finding_text(f)}" for f in problems)
        raise BuildFailed(
            _(
                "the site's configuration is not the one an administrator signed, so nothing is"
                " built and no news item is published:{listed}"
            ).format(listed=listed)
        )
    return repo


def _config(
    repo: Repository, progress: Progress, **options: Any
) -> tuple[MkDocsConfig, WartaPlugin]:
    """MkDocs' configuration from what Warta read and judged (never MkDocs' own reading),
    with the pages counted to ``progress``."""
    site = repo.policy.site
    assert site is not None  # site_problems is empty only with a readable, signed config
    config = MkDocsConfig(config_file_path=str(repo.root / CONFIG_FILE))
    data = plain(site.data, site.python_names)
    with tempfile.TemporaryDirectory(prefix="warta-hooks-") as scratch:
        if site.hooks:  # MkDocs runs a hook as it reads the configuration
            data["hooks"] = _staged_hooks(repo, site.hooks, Path(scratch))
        config.load_dict(data)
        config.load_dict({k: v for k, v in options.items() if v is not None})
        errors, warnings = config.validate()
    for name, warning in warnings:
        log.warning(
            _("Config value '{name}': {warning}").format(name=name, warning=warning)
        )
    if errors:  # (each at the line of its key; the warta plugin's options at their own)
        found = {finding_text(f) for f in config_problems(repo.root, site)}
        listed = "; ".join(
            f"{CONFIG_FILE}:{site.data.line_of(name)}: {name}: {problem}"
            for name, problem in errors
        )
        raise ConfigError("; ".join(sorted(found)) or listed)
    if config.strict and warnings:
        raise BuildFailed(
            ngettext(
                "{config}: {count} configuration warning in strict mode",
                "{config}: {count} configuration warnings in strict mode",
                len(warnings),
            ).format(config=CONFIG_FILE, count=len(warnings))
        )
    plugin = config.plugins.get("warta")
    if not isinstance(plugin, WartaPlugin):
        raise ConfigError(
            _("{config}: the 'warta' plugin is not enabled under plugins:").format(
                config=CONFIG_FILE
            )
        )
    plugin.preloaded = repo
    config.plugins[KEY] = PageProgress(progress)
    return config, plugin


def _staged_hooks(repo: Repository, hooks: Iterable[str], scratch: Path) -> list[str]:
    """Each hook (allowed by an administrator) copied into ``scratch`` from bytes that have
    the digest the administrator signed, each alone in its folder (MkDocs puts a hook's
    folder first on ``sys.path`` as it runs it); BuildFailed for a hook that is changed,
    unsigned or not a regular file: MkDocs never runs a file of the repository itself."""
    signed = repo.admitted_sources
    out: list[str] = []
    for number, rel in enumerate(hooks):
        digest = signed.get(rel)
        dest = scratch / str(number) / Path(rel).name
        try:
            if digest is None:
                raise BuildFailed(_("a file that is not the signed one (changed or not listed)"))
            safefs.copy_verified(repo.root, rel, dest, digest)
        except (BuildFailed, safefs.UnsafePath, OSError) as exc:
            raise BuildFailed(
                _(
                    "{path}: a hook runs code in the build; expected the file an administrator"
                    " signed, found {error}, so nothing is built"
                ).format(path=rel, error=exc)
            ) from exc
        out.append(str(dest))
    return out


def _empty_site_dir(root: Path, site_dir: Path) -> None:
    """Empty the site directory before MkDocs writes into it, without following any link in
    it (MkDocs' own cleaning leaves a link to a folder in place and then writes through it):
    never the repository or its sources, never through a link, never a file."""
    site = _site_folder(root, site_dir)
    if site is not None:
        _clear(site)


def _site_folder(root: Path, site_dir: Path) -> Path | None:
    """The site directory if there is one (None: not yet), UsageError if it is not a folder
    Warta may empty or write over: never the repository or its sources, never through a
    link, never a file."""
    site = site_dir if site_dir.is_absolute() else root / site_dir
    kind = safefs.lstat_kind(site)
    if kind is safefs.Kind.LINK:
        raise UsageError(
            _("{path}: the site directory is a symbolic link; refusing to empty it").format(
                path=site_dir
            )
        )
    if kind is not None and kind is not safefs.Kind.DIR:
        raise UsageError(
            _("{path}: the site directory is a file, not a folder; remove it").format(
                path=site_dir
            )
        )
    # the path as written (a link on it, e.g. a committed build -> /elsewhere under a signed
    # site_dir: build/site, leads out of the repository once resolved) and as resolved
    written = Path(os.path.normpath(site.absolute()))
    through_link = written.is_relative_to(root) and (
        safefs.link_on_path(root, written.relative_to(root).as_posix()) is not None
    )
    try:
        inside = site.resolve().relative_to(root)
    except ValueError:
        inside = None
    if _holds_what_it_must_not(site.resolve(), root):
        raise UsageError(
            _(
                "{path}: the site directory holds the repository, this user's home or cache"
                " folder, or is the file system's root: emptying it would remove them; choose"
                " another directory"
            ).format(path=site_dir)
        )
    if through_link or (inside is not None and (
        safefs.link_on_path(root, inside.as_posix()) is not None
        or not inside.parts
        or inside.parts[0] in ("content", "workflow", ".git")
    )):
        raise UsageError(
            _(
                "{path}: the site directory must not be the repository, its sources, or reached"
                " through a symbolic link; choose another directory"
            ).format(path=site_dir)
        )
    return None if kind is None else site


def _holds_what_it_must_not(site: Path, root: Path) -> bool:
    """Whether the folder ``site`` (resolved) holds the repository at ``root``, this user's
    home or Warta's cache folder, or is ``/``: ``-d`` through a link to the repository's
    parent passed MkDocs' own check, which compares the paths as written, and the build
    emptied the repository with its history (found by an independent attack)."""
    held = [root.resolve(), cache_home().resolve()]
    with contextlib.suppress(RuntimeError, KeyError):  # (no home known)
        held.append(Path.home().resolve())
    return site == Path(site.anchor) or any(path.is_relative_to(site) for path in held)


def _kept_output(repo: Repository, site: Path | None) -> KeptOutput | None:
    """The output an earlier build left in the site folder ``site`` (checked by
    :func:`_site_folder`; None: there is none yet), set aside for this build to build over
    (:mod:`warta.mkdocs_plugin.keptoutput`). With no cache (``--no-cache``), with workflow
    files that are not trusted, or with an old output that cannot be kept, the folder is
    emptied instead; BuildFailed if it cannot be."""
    if site is None:
        return None
    store = CopyStore.open(repo.root) if repo.policy.cache and repo.policy.trusted else None
    if store is not None:
        linked = store.kept_inodes()

        def kept_link(rel: str, info: os.stat_result) -> bool:
            # (only where a photo's copy goes: a page or another file is never written
            # through)
            return is_raster(rel) and (info.st_dev, info.st_ino) in linked

        with contextlib.suppress(OSError):  # (emptied below, as a build without a cache)
            return KeptOutput.set_aside(site, kept_link)
    try:
        remove_all(site)
    except OSError as exc:
        raise BuildFailed(
            _(
                "{path}: the site folder could not be emptied ({error}); nothing was built"
            ).format(path=exc.filename or site, error=exc.strerror or exc)
        ) from exc
    return None


def _clear(site: Path) -> None:
    """Remove what the folder ``site`` holds (checked by :func:`_empty_site_dir`), never
    following a link in it."""
    remove_all(site)


def _clear_given(config_file: Path, site_dir: Path) -> None:
    """A build that failed before its configuration was trusted (a workflow file that cannot
    be read, a mkdocs.yml that is not the signed one) leaves the folder given with ``-d``
    empty too, if it is one Warta may empty: an output folder committed in the checkout
    (``-d public``) stayed, with whatever a writer put there, for a pipeline that ignores the
    exit status (found by an independent attack). Without ``-d`` the folder is the
    configuration's, not trusted to be emptied."""
    with contextlib.suppress(WartaError, OSError):
        site = _site_folder(_root_of(config_file), site_dir)
        if site is not None:
            _clear_failed(site)


def _clear_failed(site: Path) -> None:
    """A build that failed leaves its site folder empty: half a site, or one the audit or
    ``--strict`` refused, is never there to be deployed by mistake."""
    with contextlib.suppress(OSError):
        if site.is_dir() and not site.is_symlink():
            _clear(site)


class _SamePages(logging.Filter):
    """Drops MkDocs' line for each page it did not write because the kept output holds its
    bytes already (:meth:`WartaPlugin._same_page`): not a page skipped, one kept."""

    def __init__(self, plugin: WartaPlugin) -> None:
        super().__init__()
        self.plugin = plugin

    def filter(self, record: logging.LogRecord) -> bool:
        said = str(record.msg)
        if not said.startswith(SKIPPED):
            return True
        return said[len(SKIPPED) :].partition("'")[0] not in self.plugin.same_pages


#: How MkDocs begins its line for a page it does not write (then its source path, quoted).
SKIPPED = "Page skipped: '"


def _run(config: MkDocsConfig) -> None:
    config.plugins.on_startup(command="build", dirty=False)
    plugin = config.plugins.get("warta")
    same = _SamePages(plugin) if isinstance(plugin, WartaPlugin) else None
    built = logging.getLogger("mkdocs.commands.build")
    if same is not None:
        built.addFilter(same)
    try:
        build(config)
    except Abort as exc:
        raise BuildFailed(_("the site was not built: {error}").format(error=exc)) from exc
    except OSError as exc:  # a file the build could not write (the validator's checks
        # should have refused what stood in its way)
        where = visible(exc.filename) if isinstance(exc.filename, str) else "?"
        raise BuildFailed(
            _("the site was not built: {path}: {error}").format(path=where, error=exc.strerror)
        ) from exc
    finally:
        if same is not None:
            built.removeFilter(same)
        config.plugins.on_shutdown()


def build_site(
    config_file: Path,
    *,
    strict: bool = False,
    site_dir: Path | None = None,
    pin: str | None = None,
    cache: bool = True,
    progress: Progress = NO_PROGRESS,
    jobs: int | None = None,
) -> Path:
    """Build the deployable site, then audit it for traces of unpublished items (``jobs``:
    processes that judge items and render pages; None: one per CPU). ``site_dir``: a
    relative one is from the current folder, as a path typed on the command line is."""
    site_dir = site_dir.absolute() if site_dir is not None else None
    try:
        with _mkdocs_logging():
            repo = judged(
                config_file, pin=pin, strict=strict, cache=cache, progress=progress, jobs=jobs
            )
            config, plugin = _config(
                repo, progress, strict=strict, site_dir=str(site_dir) if site_dir else None
            )
            plugin.jobs = jobs
            site = _site_folder(repo.root, Path(config.site_dir))
    except BaseException:
        if site_dir is not None:
            _clear_given(config_file, site_dir)
        raise
    out = Path(config.site_dir)
    # SIGTERM (a cancelled job) and SIGHUP (a closed terminal) end the build as Ctrl+C does:
    # its cleanup ends the helpers that render pages and removes the staged copy of the docs;
    # a build that fails, or is stopped, while the old output is set aside, while MkDocs
    # writes or while the output is audited leaves its site folder empty
    previous = stops.interrupting(STOPS)
    try:
        with _mkdocs_logging():
            plugin.kept = _kept_output(repo, site)
            _refuse_untrusted(repo)  # (the folder emptied: an older site is not deployed)
            _run(config)
        store = AuditStore.open(repo.root, config.site_url or "") if repo.policy.cache else None
        _audit_output(out, config, plugin, progress=progress, jobs=jobs, store=store)
    except BaseException:
        _clear_failed(out)
        raise
    finally:
        stops.restore(previous)
        if plugin.kept is not None:
            plugin.kept.discard()
            plugin.kept = None
    return out


def _refuse_untrusted(repo: Repository) -> None:
    """BuildFailed while the workflow files are not trusted: no item could be published,
    and the site without news would be deployed over the newsroom's (found by an
    independent attack: a plain build made it and exited 0)."""
    if repo.policy.trusted:
        return
    listed = "".join(
        f"\n  {finding_text(f)}" for f in repo.policy.workflow_findings if f.is_error
    )
    raise BuildFailed(
        _(
            "the workflow files are not trusted, so no news item is published and nothing is"
            " built (a site without its news is never deployed):{listed}"
        ).format(listed=listed)
    )


def _audit_output(
    out: Path,
    config: MkDocsConfig,
    plugin: WartaPlugin,
    *,
    progress: Progress,
    jobs: int | None,
    store: AuditStore | None,
) -> None:
    """BuildFailed if what the build wrote to ``out`` leads to an unpublished item (where
    each file leads kept in ``store``, if any)."""
    report = plugin.report
    if report is None:  # pragma: no cover - on_config always runs in a build
        raise BuildFailed(_("the gate did not run; the site must not be deployed"))
    # an item under correction is published as its approved version
    shown = plugin.published_paths
    unpublished = [
        (v.path, v.id, v.facts.url if v.facts else None)
        for v in report.verdicts
        if not v.publishable and v.path not in shown
    ]
    published = [
        (v.id, v.facts.url if v.facts else None)
        for v in report.verdicts
        if v.publishable or v.path in shown
    ]
    found = audit_site(
        out,
        audit.tokens(unpublished, published),
        site_url=config.site_url or "",
        notices=plugin.notices,
        progress=progress,
        jobs=jobs,
        store=store,
    )
    if found:
        listed = "".join(f"\n  {leak.message()}" for leak in found[:20])
        count = len({f.token.path for f in found})
        raise BuildFailed(
            ngettext(
                "{site} leads to {count} unpublished item; do not deploy it:{listed}",
                "{site} leads to {count} unpublished items; do not deploy it:{listed}",
                count,
            ).format(site=out, count=count, listed=listed)
        )


#: Output files at least, for the audit to share them among processes.
AUDIT_PARALLEL_MIN = 400
#: Output files a process audits at a time.
AUDIT_CHUNK = 128


def audit_site(
    site: Path,
    tokens: list[audit.Token],
    *,
    site_url: str = "",
    notices: Collection[str] = (),
    progress: Progress = NO_PROGRESS,
    jobs: int | None = None,
    store: AuditStore | None = None,
) -> list[audit.Leak]:
    """Every way the files under ``site`` lead to ``tokens`` (.gz files are unpacked), each
    file counted to ``progress``. Where a file leads is taken from ``store`` when it holds
    that file's exact bytes, and kept there for the next build. The files it does not hold
    are read in processes that share them, if there are many and ``jobs`` (None: one per
    CPU) is above one; each file's leaks do not depend on the others', and they are listed
    in the same order either way."""
    if not tokens:
        return []  # nothing unpublished: nothing to lead to
    rels = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    index = audit.Tokens(tokens)
    kept = store is not None and store.load()
    found: dict[str, list[audit.Leak]] = {}  # (files that lead to none are not held)

    def judge(rel: str, links: audit.Links) -> None:
        leaks = audit.leaks_in(rel, links, index, audit.is_notice(rel, notices))
        if leaks:
            found[rel] = leaks

    progress.start(len(rels), _("checking the output"))
    try:
        missing: list[str] = []
        for rel in rels:
            if PurePosixPath(rel).suffix.lower() in audit.PIXELS:
                judge(rel, audit.Links(()))  # its name still counts; its bytes are no document
            elif kept and store and (hit := _kept(site, rel, store, notices)) is not None:
                judge(rel, hit)
            else:
                missing.append(rel)
                continue
            progress.advance()
        salt = store.salt if store is not None else None
        done = _links_of(site, missing, site_url, notices, salt=salt, progress=progress, jobs=jobs)
        for rel, key, links in done:
            if store is not None:
                store.put(key, links)
            judge(rel, links)
    finally:
        progress.done()
    if store is not None:
        store.save()
    return [leak for rel in rels for leak in found.get(rel, ())]


def _kept(
    site: Path, rel: str, store: AuditStore, notices: Collection[str]
) -> audit.Links | None:
    """Where the output file ``rel`` leads, if ``store`` holds its exact bytes."""
    data = (site / rel).read_bytes()
    return store.get(file_key(store.salt, rel, audit.is_notice(rel, notices), data))


def _links_of(
    site: Path,
    rels: list[str],
    site_url: str,
    notices: Collection[str],
    *,
    salt: bytes | None,
    progress: Progress,
    jobs: int | None,
) -> Iterator[tuple[str, str, audit.Links]]:
    """``(rel, key, links)`` of each file of ``rels``, read here or, with many files and
    ``jobs`` above one, in processes that share them."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 2 or len(rels) < AUDIT_PARALLEL_MIN:
        for rel in rels:
            yield _read_links(site, rel, site_url, notices, salt)
            progress.advance()
        return
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    chunks = [rels[at : at + AUDIT_CHUNK] for at in range(0, len(rels), AUDIT_CHUNK)]
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=pool_context()
    ) as pool:
        # (each chunk's links are let go once taken: a cold build's 4,700 files at 3,000
        # items lead to 230,000 places, which the futures would otherwise hold to the end)
        pending = deque(
            (len(chunk), pool.submit(_read_all_links, site, chunk, site_url, notices, salt))
            for chunk in chunks
        )
        while pending:
            size, future = pending.popleft()
            yield from future.result()
            del future
            progress.advance(size)


def _read_all_links(
    site: Path, rels: list[str], site_url: str, notices: Collection[str], salt: bytes | None
) -> list[tuple[str, str, audit.Links]]:
    return [_read_links(site, rel, site_url, notices, salt) for rel in rels]


def _read_links(
    site: Path, rel: str, site_url: str, notices: Collection[str], salt: bytes | None
) -> tuple[str, str, audit.Links]:
    """``(rel, key, links)`` of one output file (its key: "" without a ``salt``), the key
    made of the very bytes the links are read from."""
    data = (site / rel).read_bytes()
    notice = audit.is_notice(rel, notices)
    key = file_key(salt, rel, notice, data) if salt is not None else ""
    if PurePosixPath(rel).suffix == ".gz":
        data = gzip.decompress(data)
    return rel, key, audit.links(rel, data.decode("utf-8", errors="replace"), site_url, notice)


def _check_outside_site(repo: Repository, out_dir: Path) -> None:
    """A preview never goes where the deployable site goes, nor into the sources."""
    site_dir = repo.policy.site.site_dir if repo.policy.site else "site"
    site = (repo.root / site_dir).resolve()
    docs = (repo.root / "content").resolve()
    out = out_dir.resolve()
    if out == repo.root or out.is_relative_to(site) or site.is_relative_to(out):
        raise UsageError(
            _(
                "{path}: a preview may not be built into the deployable site directory ({site})"
                " or the repository root; choose another directory"
            ).format(path=out_dir, site=site)
        )
    if out.is_relative_to(docs) or out.is_relative_to(repo.root / "workflow"):
        raise UsageError(
            _("{path}: a preview may not be built inside the sources").format(path=out_dir)
        )


def _preview_config(
    config_file: Path,
    out_dir: Path,
    pin: str | None,
    cache: bool = True,
    progress: Progress = NO_PROGRESS,
    *,
    read: ReadItems | None = None,
) -> MkDocsConfig:
    repo = judged(config_file, pin=pin, cache=cache, progress=progress, read=read)
    _check_outside_site(repo, out_dir)
    _empty_site_dir(repo.root, out_dir)
    config, plugin = _config(repo, progress, site_dir=str(out_dir))
    plugin.preview = True
    return config


def build_preview(
    config_file: Path,
    out_dir: Path,
    *,
    pin: str | None = None,
    cache: bool = True,
    progress: Progress = NO_PROGRESS,
) -> Path:
    """Build the reviewers' preview (drafts included, each with the DRAF banner) into
    ``out_dir`` (a relative one from the current folder, for the check and the build alike:
    the check read it from there and MkDocs from the repository, so a preview went into
    the deployable site folder; found by an independent attack)."""
    out_dir = out_dir.absolute()
    with _mkdocs_logging():
        _run(_preview_config(config_file, out_dir, pin, cache, progress))
    return out_dir


#: What MkDocs' live-reload script asks for: its epoch and request number (a longer number
#: made the server print a traceback: Python converts at most 4,300 digits).
_LIVERELOAD = re.compile(r"/livereload/[0-9]{1,30}/[0-9]{1,30}")


class _PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, which serves the drafts to this machine only:

    - a request whose ``Host`` is a name other than ``localhost`` or the address it listens
      on is refused (403): a web page whose name an attacker points at 127.0.0.1 (DNS
      rebinding) would otherwise read every draft from its own origin;
    - a path with a NUL byte (``/%00``) or a live-reload poll that is not two short numbers
      gets a 404 (each printed a traceback);
    - a HEAD request gets the headers only;
    - :meth:`listen` binds the address before the first build, so a taken port is said at
      once."""

    _bound = False

    def listen(self) -> None:
        self.server_bind()
        self.server_activate()
        self._bound = True

    def server_bind(self) -> None:
        if not self._bound:
            super().server_bind()

    def server_activate(self) -> None:
        if not self._bound:
            super().server_activate()

    def _local_host(self, header: str) -> bool:
        name = header.rpartition(":")[0] if header.rpartition(":")[2].isdigit() else header
        name = name.strip().lower()
        if name.startswith("[") and name.endswith("]"):
            name = name[1:-1]
        if name in ("localhost", str(self.server_address[0]).lower()):
            return True
        try:
            ipaddress.ip_address(name)  # an address is no name anyone can point elsewhere
        except ValueError:
            return False
        return True

    def _serve_request(self, environ: Any, start_response: Any) -> Any:
        if not self._local_host(str(environ.get("HTTP_HOST", ""))):
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
            refusal = _("403: this preview answers requests to its own address only")
            return [refusal.encode("utf-8") + b"\n"]
        path = str(environ.get("PATH_INFO", ""))
        if "\0" in path:
            return None  # no file has such a name
        if path.startswith("/livereload/") and not _LIVERELOAD.fullmatch(path):
            return None
        answer = super()._serve_request(environ, start_response)
        if environ.get("REQUEST_METHOD") == "HEAD" and answer is not None:
            close = getattr(answer, "close", None)  # (the file MkDocs opened)
            if close is not None:
                close()
            return []
        return answer


def _show_failure(out_dir: Path, exc: WartaError | Abort) -> None:
    """A rebuild of the preview failed (a change the gate refuses, say an unsigned edit of
    mkdocs.yml): say why, without a traceback, and serve a page that says so in place of
    every page, since the last build's pages no longer show the branch. The server goes on:
    the next change builds again (MkDocs' server would wait, every request with it, until
    a build succeeds)."""
    error = exc.format_message()
    log.error("warta: " + _("the preview was not rebuilt: {error}").format(error=error))
    with contextlib.suppress(OSError):
        _clear(out_dir)
        page = render(
            "preview_failed.html",
            lang=i18n.language(),
            title=_("The preview was not rebuilt"),
            error=error,
            hint=_("Its pages are gone until a change builds it again (see the terminal)."),
        )
        for name in ("index.html", "404.html"):
            (out_dir / name).write_text(page, encoding="utf-8")


def _error_page(out_dir: Path, code: int) -> bytes | None:
    """The page a preview serves with ``code`` (404: the site's own ``404.html``, as
    ``mkdocs serve`` does; after a failed rebuild, the page that says so)."""
    if code != 404:
        return None
    try:
        return safefs.read_bytes(out_dir, "404.html")
    except (safefs.UnsafePath, OSError):
        return None


def _listening(
    builder: Callable[..., None], host: str, port: int, out_dir: Path
) -> _PreviewServer:
    """The preview's server, listening on ``host``:``port`` (UsageError if it cannot)."""
    server = _PreviewServer(builder=builder, host=host, port=port, root=str(out_dir))
    try:
        server.listen()
    except OSError as exc:
        server.server_close()
        raise UsageError(
            _(
                "--dev-addr {host}:{port}: cannot listen there ({error}); expected a free port"
                " on an address of this machine"
            ).format(host=host, port=port, error=exc.strerror or exc)
        ) from None
    server.error_handler = lambda code: _error_page(out_dir, code)
    return server


def serve_preview(
    config_file: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    pin: str | None = None,
    cache: bool = True,
    progress: Progress = NO_PROGRESS,
) -> None:
    """Serve the preview from a temporary directory, rebuilding when sources change (the
    first build told to ``progress``, the later ones not)."""
    out_dir = Path(tempfile.mkdtemp(prefix="warta-preview-"))
    url = f"http://{host}:{port}/"
    root = _root_of(config_file)
    read = ReadItems()  # (a rebuild parses only the items whose files changed)
    building = threading.Event()  # (the poll for changes waits while it is set)

    def builder(config: MkDocsConfig | None = None) -> None:
        building.set()
        try:
            if config is not None:  # the first build: its failure ends the preview
                config.site_url = url
                build(config)
                return
            try:
                config = _preview_config(config_file, out_dir, pin, cache, read=read)
                config.site_url = url
                build(config)
            except (WartaError, Abort) as exc:
                _show_failure(out_dir, exc)
        finally:
            building.clear()

    previous = stops.interrupting(STOPS)  # (its temporary folder is removed, as on Ctrl+C)
    try:
        with _mkdocs_logging():
            config = _preview_config(config_file, out_dir, pin, cache, progress, read=read)
            config.plugins.on_startup(command="serve", dirty=False)
            server = _listening(builder, host, port, out_dir)
            server.observer = PreviewObserver(building)  # (no walk of the sources beside a build)
            try:
                builder(config)
                for watched in ("content", "workflow", CONFIG_FILE):
                    server.watch(str(root / watched))
                log.info(
                    "warta: "
                    + _("preview (with drafts) at {url} — Ctrl+C to stop").format(url=url)
                )
                server.serve()  # type: ignore[no-untyped-call]
            except KeyboardInterrupt:
                log.info("warta: " + _("preview stopped"))
            except Abort as exc:
                raise BuildFailed(
                    _("the preview was not built: {error}").format(error=exc)
                ) from exc
            finally:
                server.shutdown()
                config.plugins.on_shutdown()
    finally:
        stops.restore(previous)
        shutil.rmtree(out_dir, ignore_errors=True)
