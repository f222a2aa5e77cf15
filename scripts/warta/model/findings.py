"""Findings: the validator's verdict, one per broken rule, each naming file, line and rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

#: What a terminal acts on or a reader cannot see: control characters (a line break in a
#: file name would forge a line of the log, ESC would move the cursor and erase it), the
#: line and paragraph separators, and the direction controls that reorder text.
UNSEEN = r"\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
#: What text typed on the command line may not hold (a regex class's contents): the above,
#: and the lone surrogates Python makes of bytes that are not UTF-8.
NOT_ARGUMENT_TEXT = UNSEEN + r"\ud800-\udfff"
_UNSEEN = re.compile(f"[{UNSEEN}]")
#: Also escaped when shown (never in the regexes built from UNSEEN): the other invisible
#: format characters (Unicode Cf: zero-width, word joiner, BOM, soft hyphen, tags).
_SHOWN_UNSEEN = re.compile(
    f"[{UNSEEN}\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)


def visible(text: str) -> str:
    """``text`` with every such character written as an escape (``\\x1b``, ``\\u202e``):
    one line, shown as it is. So is the ``[`` of ``##[``, which GitHub's runner reads as a
    workflow command anywhere in a line of a job's log (``##[error file=…]``), and the first
    ``:`` of a ``::`` that starts the line after any white space (Unicode's, as the runner
    trims it: ``::stop-commands::…`` from a folder's name at the start of a finding's line;
    found by an independent attack)."""
    shown = _SHOWN_UNSEEN.sub(_escape, text).replace("##[", "##\\x5b")
    rest = shown.lstrip()
    if rest.startswith("::"):
        return shown[: len(shown) - len(rest)] + "\\x3a" + rest[1:]
    return shown


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    if code > 0xFFFF:
        return f"\\U{code:08x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class Severity(StrEnum):
    """How bad a finding is. Errors block publication; warnings block it only under --strict;
    notices never block (:mod:`warta.model.policy` decides, in one place)."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclass(frozen=True, order=True)
class Finding:
    """One broken rule: where (path, line), which rule, and a message saying expected vs found."""

    path: str
    line: int | None
    rule: str
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def text(self) -> str:
        """The finding as one line for people: ``file:line: severity [rule] message``
        (the severity word and the rule id stay English, as in every output format), with
        what a terminal would act on escaped (:func:`visible`)."""
        return visible(f"{self.location()}: {self.severity.value} [{self.rule}] {self.message}")

    def promoted(self) -> Finding:
        """The same finding as an error (what ``--strict`` does to warnings; a notice is
        never promoted: see :mod:`warta.model.policy`)."""
        if self.severity is not Severity.WARNING:
            return self
        return Finding(self.path, self.line, self.rule, Severity.ERROR, self.message)


def error(path: str, line: int | None, rule: str, message: str) -> Finding:
    return Finding(path, line, rule, Severity.ERROR, message)


def warning(path: str, line: int | None, rule: str, message: str) -> Finding:
    return Finding(path, line, rule, Severity.WARNING, message)


def notice(path: str, line: int | None, rule: str, message: str) -> Finding:
    return Finding(path, line, rule, Severity.NOTICE, message)
