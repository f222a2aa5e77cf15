"""Reading text files safely: a size limit, strict UTF-8 with the failing line, LF endings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from warta.model.findings import Finding, error, warning

#: Files larger than this are refused unread (a news item is a few KiB; photos live beside it).
MAX_BYTES = 1_048_576


@dataclass
class TextResult:
    text: str | None
    findings: list[Finding] = field(default_factory=list)


def read_text(path: Path, display: str, *, max_bytes: int = MAX_BYTES) -> TextResult:
    """Read ``path`` as UTF-8 text with LF line endings, or explain (as findings) why not."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return TextResult(
                None,
                [
                    error(
                        display,
                        None,
                        "file.too-large",
                        f"file is {size} bytes; expected at most {max_bytes} bytes",
                    )
                ],
            )
        raw = path.read_bytes()
    except OSError as exc:
        return TextResult(
            None, [error(display, None, "file.unreadable", f"cannot read file: {exc.strerror}")]
        )
    return decode(raw, display)


def decode(raw: bytes, display: str) -> TextResult:
    findings: list[Finding] = []
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return TextResult(
            None,
            [error(display, line, "file.binary", "expected a UTF-8 text file, found a NUL byte")],
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        findings.append(
            warning(
                display,
                1,
                "file.bom",
                "file starts with a UTF-8 byte-order mark; expected none (it was ignored)",
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
                f"expected UTF-8 text, found byte 0x{raw[exc.start]:02x} that is not UTF-8",
            )
        )
        return TextResult(None, findings)
    if "\r" in text:
        crlf = text.count("\r\n")
        lone_cr = text.count("\r") - crlf
        lf_only = text.count("\n") - crlf
        if lone_cr or (crlf and lf_only):
            findings.append(
                warning(
                    display,
                    None,
                    "file.line-endings",
                    "mixed line endings (CRLF, CR and LF); expected one style, read as LF",
                )
            )
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return TextResult(text, findings)
