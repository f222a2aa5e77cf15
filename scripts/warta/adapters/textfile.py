"""Reading text files safely: a size limit, strict UTF-8 with the failing line, LF endings."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warta.adapters import safefs
from warta.i18n import _
from warta.model.findings import Finding, error, warning

#: Files larger than this are refused unread (a news item is a few KiB; photos live beside it).
MAX_BYTES = 1_048_576


@dataclass
class TextResult:
    text: str | None
    findings: list[Finding] = field(default_factory=list)
    #: the bytes the text was read from (where :func:`read_repo_text` read them)
    raw: bytes | None = None


def read_repo_text(root: Path, rel: str, *, max_bytes: int = MAX_BYTES) -> TextResult:
    """The repository file ``root/rel`` as text, read without following any link; a link,
    special file or missing file is a finding (``file.missing`` when nothing is there)."""
    try:
        raw = safefs.read_bytes(root, rel, max_bytes=max_bytes)
    except safefs.UnsafePath as exc:
        return TextResult(None, [error(rel, None, exc.rule, exc.reason)])
    result = decode(raw, rel)
    result.raw = raw
    return result


def read_text(path: Path, display: str, *, max_bytes: int = MAX_BYTES) -> TextResult:
    """Read ``path`` as UTF-8 text with LF line endings, or explain (as findings) why not."""
    raw = read_bytes(path, display, max_bytes=max_bytes)
    if isinstance(raw, TextResult):
        return raw
    return decode(raw, display)


def read_bytes(path: Path | str, display: str, *, max_bytes: int = MAX_BYTES) -> bytes | TextResult:
    """The bytes of the regular file ``path`` (at most ``max_bytes``), or a result without
    text whose findings explain why not."""
    try:
        # non-blocking open, then fstat: a named pipe or device (which would block or never
        # end) is refused whatever the path pointed to when it was listed
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):  # as opening it as a file says
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            if not stat.S_ISREG(info.st_mode):
                return TextResult(
                    None,
                    [
                        error(
                            display,
                            None,
                            "file.unreadable",
                            _("expected a regular file, found {what}").format(
                                what=_kind(info.st_mode)
                            ),
                        )
                    ],
                )
            raw = _read_up_to(fd, max_bytes + 1)  # never more, even if the file grows meanwhile
        finally:
            os.close(fd)
        if len(raw) > max_bytes:
            size = max(info.st_size, len(raw))
            return TextResult(
                None,
                [
                    error(
                        display,
                        None,
                        "file.too-large",
                        _("expected a file of at most {limit} bytes, found {size} bytes").format(
                            limit=max_bytes, size=size
                        ),
                    )
                ],
            )
    except OSError as exc:
        return TextResult(
            None,
            [
                error(
                    display,
                    None,
                    "file.unreadable",
                    _(
                        "cannot read file: expected a readable file, found the error {error!r}"
                    ).format(error=exc.strerror),
                )
            ],
        )
    return raw


def _read_up_to(fd: int, limit: int) -> bytes:
    """The bytes from ``fd`` up to its end or ``limit`` bytes, whichever comes first."""
    first = os.read(fd, limit)
    if not first or len(first) == limit:
        return first
    chunks = [first]
    size = len(first)
    while size < limit and (chunk := os.read(fd, limit - size)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return _("a folder")
    return safefs.special_kind(mode)


#: A CR that is not the first half of CRLF.
_LONE_CR = re.compile("\r(?!\n)")


def decode(raw: bytes, display: str) -> TextResult:
    findings: list[Finding] = []
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return TextResult(
            None,
            [
                error(
                    display,
                    line,
                    "file.binary",
                    _("expected a UTF-8 text file, found a NUL byte"),
                )
            ],
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        findings.append(
            warning(
                display,
                1,
                "file.bom",
                _(
                    "found a UTF-8 byte-order mark at the start of the file; expected none (it"
                    " was ignored)"
                ),
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        findings.append(
            error(
                display,
                line,
                "file.encoding",
                _("expected UTF-8 text, found byte 0x{byte} that is not UTF-8").format(
                    byte=f"{raw[exc.start]:02x}"
                ),
            )
        )
        return TextResult(None, findings)
    if "\r" in text:
        lone = _LONE_CR.search(text)
        if lone is not None:
            findings.append(
                error(
                    display,
                    text.count("\n", 0, lone.start()) + 1,
                    "file.lone-cr",
                    _(
                        "found a carriage return (CR) that ends no line for git: git, diffs and"
                        " browsers show what follows it on the same line, while YAML and"
                        " Markdown start a new line there (it could hide a key after a '#');"
                        " expected LF or CRLF line ends"
                    ),
                )
            )
            return TextResult(None, findings)
        crlf = text.count("\r\n")
        lf_only = text.count("\n") - crlf
        if crlf and lf_only:
            findings.append(
                warning(
                    display,
                    None,
                    "file.line-endings",
                    _(
                        "found mixed line endings (CRLF, CR and LF); expected one style (read as"
                        " LF)"
                    ),
                )
            )
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return TextResult(text, findings)


def utf8(text: str) -> bytes:
    """``text`` as UTF-8 for a file or a stream: what UTF-8 cannot hold (a file name that is
    not UTF-8, as Python reads it) written escaped (``\\udce9``), never an error."""
    return text.encode("utf-8", "backslashreplace")


_LONE = re.compile("[\ud800-\udfff]")


def json_utf8(value: Any) -> bytes:
    """``value`` as JSON in UTF-8 that every parser takes (Typst's too): a lone surrogate (a
    file name that is not UTF-8, as Python reads it) becomes the text of its escape
    (``\\udce9``), not an unpaired escape."""
    text = json.dumps(value, ensure_ascii=False)
    return _LONE.sub(lambda m: f"\\\\u{ord(m.group()):04x}", text).encode("utf-8")
