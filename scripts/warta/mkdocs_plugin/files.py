"""A news item's file (a photo, a document) as MkDocs sees it: read by Warta when the build
copies it, through :func:`warta.adapters.safefs.read_bytes` (no link followed), and written to
the output only if its bytes have the digest the item's signatures cover. No scratch copy is
made (and removed again) for it, and MkDocs never opens the repository's path."""

from __future__ import annotations

import hashlib
import os
from abc import ABCMeta, abstractmethod
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel

from warta.adapters import safefs
from warta.i18n import _


def read_signed(root: Path, rel: str, digest: str) -> bytes:
    """The bytes of the file at ``rel`` in the repository at ``root`` (no link followed), if
    they have ``digest``; PluginError otherwise (the build stops)."""
    try:
        data = safefs.read_bytes(root, rel)
    except (safefs.UnsafePath, OSError) as exc:
        raise PluginError(
            "warta: " + _("{path} could not be published: {error}").format(path=rel, error=exc)
        ) from exc
    found = "sha256:" + hashlib.sha256(data).hexdigest()
    if found != digest:
        raise PluginError(
            "warta: "
            + _(
                "{path} changed while the site was built: expected the signed {expected},"
                " found {found}; nothing of it is published"
            ).format(path=rel, expected=digest, found=found)
        )
    return data


def remove_existing(dest: Path) -> None:
    """Remove what an earlier build left at ``dest`` (a file or a link, never followed);
    PluginError (the build stops) if something else stands there, such as a folder."""
    try:
        os.unlink(dest)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise PluginError(
            "warta: "
            + _("{path} could not be written: {error}").format(path=dest.as_posix(), error=exc)
        ) from exc


class ItemFile(File, metaclass=ABCMeta):
    """A file of a news item that Warta writes itself at ``uri``: its bytes (``made()``, which
    each kind of file says) are never replaced, and never read from a path MkDocs knows."""

    def __init__(self, config: MkDocsConfig, uri: str, digest: str) -> None:
        super().__init__(
            uri,
            src_dir=None,
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
            inclusion=InclusionLevel.INCLUDED,
        )
        self.generated_by = "warta"
        #: the SHA-256 of what is written (what the account of the output expects)
        self.digest = digest

    @abstractmethod
    def made(self) -> bytes:
        """The bytes to write, which have ``digest`` (PluginError otherwise)."""

    @property
    def content_bytes(self) -> bytes:
        return self.made()

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        raise PluginError("warta: " + _("a news item's file is published as it was signed"))

    def copy_file(self, dirty: bool = False) -> None:
        data = self.content_bytes
        dest = Path(self.abs_dest_path)
        safefs.make_folders(dest.parent)
        remove_existing(dest)  # never written through: it may be a link to a kept file
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        with os.fdopen(os.open(dest, flags, 0o666), "wb") as handle:  # (as open() makes it)
            handle.write(data)

    def is_modified(self) -> bool:
        return True


class VerifiedFile(ItemFile):
    """The file at ``rel`` in the repository at ``root``, published at ``uri`` if its bytes
    have ``digest``."""

    def __init__(self, config: MkDocsConfig, uri: str, root: Path, rel: str, digest: str) -> None:
        super().__init__(config, uri, digest)
        self.root = root
        self.rel = rel

    def made(self) -> bytes:
        return read_signed(self.root, self.rel, self.digest)
