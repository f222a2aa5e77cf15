"""The raster photos of published items as the build writes them: never the original, only
clean copies made from bytes that have the signed digest (:mod:`warta.adapters.photos`),
kept in this user's cache folder (:mod:`warta.adapters.photostore`).

For an original ``images/foto.jpg`` the output holds ``images/foto.jpg-480w.jpg``,
``…-480w.webp``, ``…-960w.jpg``, … (never wider than the original), and at the original's
own URL the widest copy in the original's format (for ``.avif`` nothing), so a link in the
body still shows the photo, without its metadata. A photo no copy can be made of is left out
whole (logged as ``image.unreadable``); the page is shown without it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from warta.adapters import photos, safefs
from warta.adapters.photostore import Copies, Copy, CopyStore, digest_of
from warta.bulk import pool_context
from warta.i18n import _
from warta.mkdocs_plugin.files import ItemFile, read_signed
from warta.model.photo import is_raster
from warta.site.photo import Photo, Rendition


class Original:
    """The signed original of a photo, to make its copies from again when the store can no
    longer give one (an entry damaged since the build found it, with no good kept file to
    link): a damaged cache only costs time. The copies made again are kept in the store,
    once per build; only their list is held here."""

    def __init__(self, root: Path, rel: str, digest: str, suffix: str, store: CopyStore) -> None:
        self.root = root
        self.rel = rel
        self.digest = digest
        self.suffix = suffix
        self.store = store
        self._tried = False
        self._kept: Copies | None = None

    def copy(self, copy: Copy) -> tuple[str, bytes] | None:
        """The copy of the original that ``copy`` stands for, made again: its digest and
        bytes. It is ``copy`` itself, or, from an encoder that no longer makes the same bytes,
        the copy of the same format and size (PluginError if the original's bytes are no
        longer the signed ones; None if no such copy can be made)."""
        if not self._tried:
            self._tried = True
            derived = self._derive()
            if derived is None:
                return None
            self._kept = self.store.put(self.digest, self.suffix, derived)
            if self._kept is None:
                return _pick(derived, copy)
        if self._kept is not None:
            listed = (*self._kept.variants, *([self._kept.same] if self._kept.same else []))
            chosen = _like(listed, copy)
            data = self.store.read(self._kept, chosen) if chosen is not None else None
            if chosen is not None and data is not None:
                return chosen.digest, data
        derived = self._derive()  # (the store cannot keep them: made for this copy alone)
        return _pick(derived, copy) if derived is not None else None

    def _derive(self) -> photos.Derived | None:
        data = read_signed(self.root, self.rel, self.digest)
        try:
            return photos.derive(data, self.suffix)
        except photos.PhotoRefused:
            return None


def _like(made: Iterable[Copy], copy: Copy) -> Copy | None:
    """Of ``made``, the copy with ``copy``'s bytes, else the first of its format and size."""
    made = list(made)
    exact = next((m for m in made if m.digest == copy.digest), None)
    if exact is not None:
        return exact
    size = (copy.format, copy.width, copy.height)
    return next((m for m in made if (m.format, m.width, m.height) == size), None)


def _pick(derived: photos.Derived, copy: Copy) -> tuple[str, bytes] | None:
    """The digest and bytes of the copy among ``derived`` that ``copy`` stands for."""
    data: dict[str, bytes] = {}
    made = []
    for v in (*derived.variants, *([derived.same] if derived.same is not None else [])):
        digest = digest_of(v.data)
        data[digest] = v.data
        made.append(Copy(v.format, v.width, v.height, digest))
    chosen = _like(made, copy)
    return (chosen.digest, data[chosen.digest]) if chosen is not None else None


class DerivedFile(ItemFile):
    """A clean copy of a photo, published at ``uri``: its bytes come from ``store`` (else
    from ``original`` made again), and only if they are the ones made (``copy.digest``).
    ``folders``: the output folders this build's copies already made (each photo has four
    or five copies in one folder)."""

    def __init__(
        self,
        config: MkDocsConfig,
        uri: str,
        store: CopyStore,
        copies: Copies,
        copy: Copy,
        *,
        folders: set[Path],
        original: Original,
    ) -> None:
        super().__init__(config, uri, copy.digest)
        self.store = store
        self.copies = copies
        self.copy = copy
        self.folders = folders
        self.original = original

    def made(self) -> bytes:
        data = self.store.read(self.copies, self.copy)
        if data is None:
            again = self.original.copy(self.copy)
            if again is not None:
                self.digest, data = again  # (what the account of the output expects)
        if data is None:
            raise PluginError(
                "warta: "
                + _("the copy {path} of a photo was lost while the site was built").format(
                    path=self.src_uri
                )
            )
        return data

    def copy_file(self, dirty: bool = False) -> None:
        """A link to the store's file of the copy when one can be made (the bytes are not
        written again; a link an earlier build left there to that very file is kept), else
        the bytes, written as every file of an item is."""
        dest = Path(self.abs_dest_path)
        if dest.parent not in self.folders:
            safefs.make_folders(dest.parent)
            self.folders.add(dest.parent)
        if not self.store.link(self.copies, self.copy, dest):
            super().copy_file(dirty)


@dataclass
class Photos:
    """What the build made of the items' raster photos."""

    #: docs path of an original -> its copies as the pages show them
    shown: dict[str, Photo] = field(default_factory=dict)
    #: the files to write (copies)
    files: list[DerivedFile] = field(default_factory=list)
    #: docs path of an original -> why it is left out
    refused: dict[str, str] = field(default_factory=dict)


def copy_name(original: str, copy: Copy) -> str:
    """Where a copy of ``original`` (a path) lies: beside it, named after it."""
    return f"{original}-{copy.width}w.{photos.EXTENSION[copy.format]}"


def _made(root: Path, rel: str, digest: str, suffix: str, store: CopyStore) -> Copies | None:
    """The copies of the original at ``rel`` whose signed digest is ``digest``: kept ones,
    else made now from its bytes (PluginError if they are no longer the signed ones;
    PhotoRefused if no copy can be made; None if they cannot be kept in ``store``)."""
    found = store.find(digest, suffix)
    if found is not None:
        return found
    data = read_signed(root, rel, digest)
    return store.put(digest, suffix, photos.derive(data, suffix))


#: Photos to copy at least, for the copies to be made in several processes.
PARALLEL_MIN = 4


def _derive(root: Path, rel: str, digest: str, suffix: str) -> photos.Derived | None:
    """The copies of the original at ``rel`` if its bytes are the signed ones (PluginError
    otherwise), None if no copy can be made (the build's own pass then says why)."""
    data = read_signed(root, rel, digest)
    try:
        return photos.derive(data, suffix)
    except photos.PhotoRefused:
        return None


def _make_missing(
    root: Path, raster: list[tuple[str, str, str]], store: CopyStore, jobs: int
) -> None:
    """Make, in ``jobs`` processes, the copies ``store`` does not hold yet of the originals
    ``raster`` ((repository path, digest, suffix)), and keep them there: copies are a pure
    function of the signed bytes, so which process made them changes no byte. Each is kept
    as it arrives, so no more than the processes' work in hand is in memory at once."""
    missing = [r for r in raster if store.find(r[1], r[2]) is None]
    if jobs < 2 or len(missing) < PARALLEL_MIN:
        return
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=pool_context()
    ) as pool:
        made = pool.map(_derive, *zip(*((root, *r) for r in missing), strict=True))
        for (_rel, digest, suffix), derived in zip(missing, made, strict=True):
            if derived is not None:
                store.put(digest, suffix, derived)


def make_photos(
    config: MkDocsConfig,
    root: Path,
    attached: dict[str, tuple[str, str]],
    stores: tuple[CopyStore, ...],
    taken: set[str],
    *,
    jobs: int = 1,
) -> Photos:
    """The copies of every raster photo among ``attached`` (docs path -> (repository path,
    signed digest)), each at a path no other file takes (``taken``: docs paths), kept in the
    first of ``stores`` that can keep them (with ``jobs`` above one and many photos not kept
    yet, made in that many processes first)."""
    out = Photos()
    folders: set[Path] = set()
    raster = [
        (rel, digest, posixpath.splitext(uri)[1].lower())
        for uri, (rel, digest) in sorted(attached.items())
        if is_raster(uri)
    ]
    _make_missing(root, raster, stores[0], jobs)
    for uri, (rel, digest) in sorted(attached.items()):
        if not is_raster(uri):
            continue
        suffix = posixpath.splitext(uri)[1].lower()
        try:
            copies = None
            store = stores[0]
            for store in stores:
                copies = _made(root, rel, digest, suffix, store)
                if copies is not None:
                    break
        except photos.PhotoRefused as exc:
            out.refused[uri] = str(exc)
            continue
        if copies is None:
            out.refused[uri] = _("its copies could not be kept")
            continue
        placed = [(copy_name(uri, c), c) for c in copies.variants]
        if copies.same is not None:
            placed.append((uri, copies.same))
        clash = [path for path, _copy in placed if path != uri and path in taken]
        if clash:
            out.refused[uri] = _("a copy would take the place of {path}").format(path=clash[0])
            continue
        widest = copies.variants[-1]
        out.shown[uri] = Photo(
            widest.width,
            widest.height,
            tuple(
                Rendition(copy_name(uri, c), c.width)
                for c in copies.variants
                if c.format == "JPEG"
            ),
            tuple(
                Rendition(copy_name(uri, c), c.width)
                for c in copies.variants
                if c.format == "WEBP"
            ),
        )
        original = Original(root, rel, digest, suffix, store)
        for path, copy in placed:
            taken.add(path)
            out.files.append(
                DerivedFile(config, path, store, copies, copy, folders=folders, original=original)
            )
    return out
