"""The Babel extractor of Warta's messages (babel.cfg): Babel's own for Python, plus the texts
click shows that no ``_()`` marks: every command's docstring and every option's ``help``.
It imports nothing of Warta, so that it runs before any catalogue is compiled.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any, cast


def _is_command(decorator: ast.expr) -> bool:
    """Whether a decorator makes a click command or group (``@x.command(…)``, ``@x.group``)."""
    node = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name in {"command", "group"}


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Any,
) -> Iterator[tuple[int, str, str | tuple[str, ...], list[str]]]:
    """Babel's Python extractor, plus the docstring of every click command and group (the
    help shown for it, as :func:`inspect.cleandoc` leaves it) and every ``help="…"`` given
    as a string (the options' help, translated where it is shown: warta.clitext)."""
    from babel.messages.extract import extract_python  # noqa: PLC0415 - only when extracting

    source = fileobj.read()
    fileobj.seek(0)
    # Babel types its Python extractor's results as extract() returns them; it yields, as
    # every extraction method does, (line, function, messages, comments)
    yield from cast("Iterator[Any]", extract_python(fileobj, keywords, comment_tags, options))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and any(map(_is_command, node.decorator_list)):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.lineno, "_", doc.partition("\f")[0], []
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                text = value.value if isinstance(value, ast.Constant) else None
                if keyword.arg == "help" and isinstance(text, str) and text:
                    yield value.lineno, "_", inspect.cleandoc(text), []
