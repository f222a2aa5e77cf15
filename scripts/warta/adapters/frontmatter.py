"""Split a Markdown file into its YAML front-matter and body, remembering line numbers."""

from __future__ import annotations

from dataclasses import dataclass

from warta.errors import WartaError
from warta.i18n import _


class FrontMatterError(WartaError):
    def __init__(self, message: str, line: int | None, rule: str) -> None:
        super().__init__(message)
        self.line = line
        self.rule = rule


@dataclass(frozen=True)
class Split:
    yaml_text: str
    yaml_first_line: int
    body: str
    body_first_line: int


def split(text: str) -> Split:
    """Split LF text into front-matter and body. The file must start with a ``---`` line."""
    lines = text.split("\n")
    if not text.strip():
        raise FrontMatterError(
            _("file is empty; expected YAML front-matter between '---' lines and a body"),
            1,
            "front-matter.missing",
        )
    if lines[0].rstrip() != "---":
        raise FrontMatterError(
            _(
                "expected the first line to be '---' opening the front-matter; found {line!r}"
            ).format(line=lines[0][:40]),
            1,
            "front-matter.missing",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return Split(yaml_text, 2, body, index + 2)
    raise FrontMatterError(
        _("front-matter is not closed; expected a '---' line after it, found end of file"),
        1,
        "front-matter.unclosed",
    )
