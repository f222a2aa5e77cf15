"""workflow/roster.yml as a document Warta itself edits (``warta roster add``/``revoke``).

The roster is read into plain data, changed, and written back in one canonical layout: the
comment block at the top of the file is kept, every other comment is not (the layout is
Warta's, so that two administrators' edits produce the same text). Text values are written
plain only when they cannot be read back as anything else (inside ``[...]`` and ``{...}``
never with a comma, which would end the value there); otherwise they are quoted as JSON
strings, which YAML reads unchanged (with YAML's own line breaks, U+0085, U+2028 and U+2029,
escaped), so no name, reason or key can add a key, a role or a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from warta.adapters.yamlnodes import YamlError, parse, quoted
from warta.errors import ConfigError
from warta.i18n import _
from warta.model.findings import error

ROSTER_DISPLAY = "workflow/roster.yml"

#: Text YAML 1.2 reads back as the same text when written without quotes.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()'/+=_-]*")
_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


@dataclass
class RosterDoc:
    """The roster as plain data: its leading comments, top-level values and people."""

    header: str
    serial: int
    demo: bool
    people: list[dict[str, Any]] = field(default_factory=list)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def read_doc(text: str) -> RosterDoc:
    """The roster's text as a document; ConfigError if it is not a roster at all."""
    try:
        data = parse(text)
    except YamlError as exc:
        raise ConfigError(
            _("{display}: cannot be read ({error}); nothing was changed").format(
                display=ROSTER_DISPLAY, error=exc
            ),
            [error(ROSTER_DISPLAY, None, "yaml.syntax", str(exc))],
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("people", []), list):
        raise ConfigError(
            _("{display}: expected a mapping with a 'people' list; nothing was changed").format(
                display=ROSTER_DISPLAY
            )
        )
    header_lines: list[str] = []
    for line in text.split("\n"):
        if line.startswith("#") or (not line.strip() and header_lines):
            header_lines.append(line)
            continue
        break
    while header_lines and not header_lines[-1].strip():
        header_lines.pop()
    serial = data.get("serial", 0)
    return RosterDoc(
        header="\n".join(header_lines),
        serial=serial if isinstance(serial, int) and not isinstance(serial, bool) else 0,
        demo=data.get("demo") is True,
        people=[_plain(p) for p in data.get("people") or []],
    )


def scalar(value: Any, *, flow: bool = False) -> str:
    """One YAML scalar that reads back as ``value`` (``flow``: inside ``[...]``/``{...}``)."""
    if value is None:
        return "null"  # (it was written as the text 'None')
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return text
    if (
        _PLAIN.fullmatch(text)
        and text.lower() not in _WORDS
        and not text.endswith(" ")
        and "  " not in text
        and not (flow and "," in text)
    ):
        return text
    return quoted(text)


def _flow(entry: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in entry.items()) + "}"


_ORDER = ("id", "name", "nip", "roles", "education", "forge", "keys")


def _person(person: dict[str, Any]) -> list[str]:
    out: list[str] = []
    keys = [k for k in _ORDER if k in person] + [k for k in person if k not in _ORDER]
    for index, key in enumerate(keys):
        lead = "  - " if index == 0 else "    "
        value = person[key]
        if isinstance(value, list) and not value:  # (`education:` alone reads as null)
            out.append(f"{lead}{key}: []")
        elif key == "roles" and isinstance(value, list):
            if all(isinstance(r, str) for r in value):
                out.append(f"{lead}roles: [{', '.join(scalar(r, flow=True) for r in value)}]")
            else:
                out.append(f"{lead}roles:")
                for role in value:
                    shown = _flow(role) if isinstance(role, dict) else scalar(role)
                    out.append(f"      - {shown}")
        elif key == "education" and isinstance(value, list):
            out.append(f"{lead}education:")
            out.extend(f"      - {_flow(e) if isinstance(e, dict) else scalar(e)}" for e in value)
        elif key == "forge" and isinstance(value, dict):
            out.append(f"{lead}forge: {_flow(value)}")
        elif key == "keys" and isinstance(value, list):
            out.append(f"{lead}keys:")
            for entry in value:
                if not isinstance(entry, dict):
                    out.append(f"      - {scalar(entry)}")
                    continue
                for j, (k, v) in enumerate(entry.items()):
                    out.append(f"{'      - ' if j == 0 else '        '}{k}: {scalar(v)}")
        elif isinstance(value, list | dict):
            out.append(f"{lead}{key}: {quoted(value)}")
        else:
            out.append(f"{lead}{key}: {scalar(value)}")
    return out


def render(doc: RosterDoc) -> str:
    """The roster's text in Warta's layout."""
    lines: list[str] = [doc.header, ""] if doc.header else []
    if doc.demo:
        lines.append("demo: true")
    lines.append(
        f"serial: {doc.serial}  # raised by warta trust sign with each signed change"
        " (against rollback)"
    )
    if not doc.people:
        lines.append("people: []")
    else:
        lines.append("people:")
        for index, person in enumerate(doc.people):
            if index:
                lines.append("")
            lines.extend(_person(person))
    return "\n".join(lines) + "\n"
