"""After a build, look in the output for any trace of an item that may not be published.

The plugin keeps unpublished items out of the build; this audit checks the result instead of
trusting the process, so a different engine, a theme change or a page that links to a draft
cannot publish one unnoticed. It looks for each unpublished item's id, its URL (which holds
its slug) and its title, as written in HTML, XML or JSON, in every output file's name and text.
"""

from __future__ import annotations

import html
import json
import posixpath
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from warta.validate import Verdict

DOCS_PREFIX = "content/"
NEWS_PREFIX = "berita/"
#: Shorter titles are too likely to occur in other text to be evidence of a leak.
MIN_TITLE = 12


@dataclass(frozen=True)
class Token:
    text: str
    kind: str
    path: str


@dataclass(frozen=True)
class Leak:
    output: str
    token: Token
    where: str

    def message(self) -> str:
        return (
            f"{self.output}: {self.where} holds the {self.token.kind} {self.token.text!r} of"
            f" {self.token.path}, which may not be published"
        )


def tokens(verdicts: Iterable[Verdict], withheld: Collection[str] = ()) -> list[Token]:
    """What would betray each unpublished item: those the validator did not clear, and
    those at the ``withheld`` paths (cleared, but left out by the site)."""
    out: list[Token] = []
    for verdict in verdicts:
        if verdict.publishable and verdict.path not in withheld:
            continue
        rel = verdict.path.removeprefix(DOCS_PREFIX)
        if rel.startswith(NEWS_PREFIX) and posixpath.basename(rel) == "index.md":
            folder = posixpath.dirname(rel) + "/"
            if folder.count("/") >= 3:  # berita/<YYYY>/<slug>/
                out.append(Token(folder, "URL", verdict.path))
        item = verdict.item
        if item is None:
            continue
        if item.id:
            out.append(Token(item.id, "id", verdict.path))
        if item.title and len(item.title.strip()) >= MIN_TITLE:
            out.append(Token(item.title.strip(), "title", verdict.path))
    return out


def _forms(text: str) -> set[str]:
    escaped = html.escape(text, quote=True)
    return {
        text.lower(),
        escaped.lower(),
        html.escape(text, quote=False).lower(),
        json.dumps(text)[1:-1].lower(),
        json.dumps(escaped)[1:-1].lower(),
    }


def leaks(outputs: Iterable[tuple[str, str]], found: Iterable[Token]) -> list[Leak]:
    """Every (output name, text) that holds a token, case-insensitively."""
    wanted = [(token, _forms(token.text)) for token in found]
    out: list[Leak] = []
    for name, text in outputs:
        lowered_name, lowered = name.lower(), text.lower()
        for token, forms in wanted:
            if any(form in lowered_name for form in forms):
                out.append(Leak(name, token, "its name"))
            elif any(form in lowered for form in forms):
                out.append(Leak(name, token, "its content"))
    return out
