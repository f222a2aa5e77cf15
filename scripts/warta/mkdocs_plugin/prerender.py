"""Pages Warta makes, rendered by helper processes while MkDocs copies files and renders the
rest: a cold build of a large site uses every CPU it may, not one.

MkDocs renders the pages one after another in one process, and for item pages and lists that
is most of a cold build (Material's templates and its search plugin's reading of each page).
When the build keeps pages (:mod:`~warta.mkdocs_plugin.pagecache`) and many of the pages Warta
makes are not kept yet, ``on_env`` forks one helper per further CPU (``jobs - 1``, at most
:data:`MAX_HELPERS`). A helper is a copy of the build as it stands once every page's content is
known; it renders pages from the end of MkDocs' order backwards, exactly as the build would
(the same context, the same plugins' ``on_page_context``, the same template), and sends back
what the caches keep: the theme's output under its page-cache key, and an item page's search
entries under their key. Its results reach the build as the records of an earlier build do,
so each page's output is the same whichever process rendered it (a test builds with ``-j 1``
and with helpers and compares every byte).

The build claims each page as MkDocs reaches it; a helper stops at the first page the build
has claimed, so the two meet in the middle. A page both rendered is taken once. A helper
sends nothing for a page whose rendering logged a warning (the build renders that one itself,
so ``--strict`` sees the warning), and a helper that fails only leaves its pages to the build.
Helpers write nothing to the output, the caches or the terminal; each ends with
:func:`os._exit`. Where there is no ``fork`` (or one CPU), nothing changes.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import mmap
import os
import signal
import struct
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from jinja2 import Environment
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from warta.adapters.recordfile import data_of, hold
from warta.mkdocs_plugin.pagecache import PageCache, record_of
from warta.mkdocs_plugin.searchcache import SearchEntries

#: Fewer pages to render than this and the build renders them alone.
MIN_PAGES = 16
#: Helpers at most, whatever the CPUs (each is a copy-on-write copy of the build).
MAX_HELPERS = 3
#: Seconds a helper has to stop once every page is claimed, before it is killed.
FINISH_SECONDS = 30.0

_HEAD = struct.Struct(">BII")
#: Signals that end a helper at once (the build's handlers are not the helper's): Ctrl+C,
#: SIGTERM (a cancelled job), SIGHUP (a closed terminal).
_STOPPING = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
_PAGE, _SEARCH = 1, 2

#: The plugins' on_page_context: (context, page) -> the context MkDocs renders the template with.
PageContext = Callable[[TemplateContext, Page], TemplateContext]


def can_fork() -> bool:
    return hasattr(os, "fork") and hasattr(os, "register_at_fork")


@dataclass(frozen=True)
class Scene:
    """What a page is rendered with, as MkDocs' ``_build_page`` has it, and the caches its
    records go to."""

    config: MkDocsConfig
    nav: Navigation
    env: Environment
    doc_files: Sequence[File]
    page_context: PageContext
    page_cache: PageCache
    search: SearchEntries | None
    #: Material's search index's entries (None: no such index): a helper's copy is never
    #: written, so a helper drops what each page adds to it
    index_entries: list[object] | None = None
    #: whether a page's content may be let go once rendered: not when a template other than
    #: Warta's and the installed themes' may show it on another page (the build keeps it too)
    drop_content: bool = True

    def render(self, page: Page) -> str:
        """The theme's output for ``page`` (up to the plugins' ``on_post_page``, which the
        build runs on the page itself)."""
        config = self.config
        config._current_page = page
        page.active = True
        try:
            context = get_context(self.nav, self.doc_files, config, page)
            template = self.env.get_template(page.meta.get("template", "main.html"))
            return template.render(self.page_context(context, page))
        finally:
            page.active = False
            config._current_page = None


class Prerender:
    """The helpers of one build and what they sent (see the module)."""

    def __init__(self, urls: Sequence[str]) -> None:
        self._index = {url: i for i, url in enumerate(urls)}
        self._claims = mmap.mmap(-1, len(urls))  # shared with the helpers (MAP_SHARED)
        self._helpers: list[tuple[int, threading.Thread]] = []
        #: pages a helper rendered and sent
        self.received = 0
        self.counting = threading.Lock()
        self.helpers = 0

    @classmethod
    def start(cls, pages: Sequence[Page], helpers: int, scene: Scene) -> Prerender | None:
        """Fork ``helpers`` processes that render ``pages`` (in MkDocs' order: those the page
        cache does not hold) from the end; None when there are too few, or no fork."""
        helpers = min(helpers, MAX_HELPERS)
        if helpers < 1 or len(pages) < MIN_PAGES or not can_fork():
            return None
        self = cls([p.url for p in pages])
        ends: list[tuple[int, int]] = []
        gc.freeze()  # the helpers' collector then leaves the build's objects (and pages) alone
        try:
            for number in range(helpers):
                try:
                    read_end, write_end = os.pipe()
                except OSError:  # no more descriptors: the build renders what is left
                    break
                try:
                    with held():
                        pid = os.fork()
                    if pid == 0:  # the helper: never returns
                        try:
                            for other, _pid in ends:
                                os.close(other)
                            os.close(read_end)
                            order = range(len(pages) - 1 - number, -1, -helpers)
                            chosen = [pages[i] for i in order]
                            _helper(write_end, chosen, list(order), self._claims, scene)
                        finally:
                            os._exit(1)
                except OSError:  # no more processes: the build renders what is left
                    os.close(read_end)
                    os.close(write_end)
                    break
                os.close(write_end)
                ends.append((read_end, pid))
        finally:
            gc.unfreeze()
        if not ends:
            self._claims.close()
            return None
        for number, (read_end, pid) in enumerate(ends):
            reader = threading.Thread(
                target=_receive,
                args=(os.fdopen(read_end, "rb"), scene, self),
                name=f"warta-prerender-{number}",
                daemon=True,
            )
            reader.start()
            self._helpers.append((pid, reader))
        self.helpers = len(ends)
        return self

    def claim(self, url: str) -> None:
        """The build reaches the page at ``url``: a helper that has not rendered it leaves it."""
        index = self._index.get(url)
        if index is not None:
            self._claims[index] = 1

    def finish(self) -> None:
        """Wait for the helpers (each stops at the first page claimed: every page is, once
        the build has rendered them) and for what they sent."""
        self._claims[:] = b"\1" * len(self._index)
        for pid, reader in self._helpers:
            reader.join(timeout=FINISH_SECONDS)  # at most the page it is rendering is left
            if reader.is_alive():  # stuck (it never should be): what it sent still counts
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                reader.join()
            _reap(pid)
        self._helpers.clear()
        self._claims.close()

    def stop(self) -> None:
        """The build failed: end the helpers now (not one :meth:`finish` reaped already: its
        pid may be another process's by now)."""
        for pid, _reader in self._helpers:
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG) == (0, 0):  # still this build's, running
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
        self._helpers.clear()


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP wait until the block ends: around a fork, so that they
    never raise in a helper on the build's stack (its cleanup, the CLI's); around the start
    of the helpers, so that the build knows them, to end them, when they raise in the build."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _helper(fd: int, pages: list[Page], order: list[int], claims: mmap.mmap, scene: Scene) -> None:
    """The helper process: render ``pages`` (at ``order`` in the claims) until one is claimed,
    send each page's records, and exit without running anything of the build's (no cleanup,
    no flushing of the build's buffers, no atexit)."""
    status = 1
    try:
        for stopping in _STOPPING:  # the default: the helper ends at once (one the build
            if signal.getsignal(stopping) != signal.SIG_IGN:  # was started ignoring stays so)
                signal.signal(stopping, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
        # nothing to the terminal, through no stream or lock the build's threads may hold
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        warnings.simplefilter("ignore")
        warned: list[int] = []

        def handle(_logger: logging.Logger, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                warned.append(record.levelno)

        logging.Logger.handle = handle  # type: ignore[method-assign,assignment]
        search, indexed_by_material = scene.search, scene.index_entries
        with os.fdopen(fd, "wb") as out:
            for index, page in zip(order, pages, strict=True):
                if claims[index]:
                    break
                warned.clear()
                if search is not None:
                    search.last_key = None
                indexed = len(indexed_by_material) if indexed_by_material is not None else 0
                output = scene.render(page)
                # what the helper's copy of the build keeps of a page is never used: it
                # held every page it rendered (the largest process of a cold build)
                if scene.drop_content:
                    page.content = None
                if indexed_by_material is not None:
                    del indexed_by_material[indexed:]
                page_key = scene.page_cache.pending.pop(page.url, None)
                searched = search.last_key if search is not None else None
                made = search.used.pop(searched, None) if search and searched else None
                if warned or page_key is None:
                    continue  # the build renders it, and logs what it logs
                # (None: the build finds them in the file too; a helper spools nothing)
                entries = data_of(made) if made is not None else None
                if searched is not None and entries is not None:
                    _send(out, _SEARCH, searched, entries)
                _send(out, _PAGE, page_key, record_of(output))
                out.flush()
        status = 0
    except BaseException:  # whatever it is, the build renders the rest itself
        status = 1
    finally:
        os._exit(status)


def _send(out: BinaryIO, kind: int, key: str, payload: bytes) -> None:
    raw = key.encode("ascii")
    out.write(_HEAD.pack(kind, len(raw), len(payload)) + raw + payload)


def _receive(stream: BinaryIO, scene: Scene, into: Prerender) -> None:
    """Read a helper's records (in the build, in a thread) into the caches' fresh records,
    until the helper ends."""
    with stream:
        while True:
            head = stream.read(_HEAD.size)
            if len(head) < _HEAD.size:
                return
            kind, key_size, size = _HEAD.unpack(head)
            key = stream.read(key_size).decode("ascii")
            payload = stream.read(size)
            if len(payload) < size:
                return  # a helper that died while sending: the build renders that page
            if kind == _SEARCH and scene.search is not None:
                scene.search.fresh[key] = hold(scene.search.spool, payload)
            elif kind == _PAGE:
                scene.page_cache.fresh[key] = hold(scene.page_cache.spool, payload)
                with into.counting:
                    into.received += 1

