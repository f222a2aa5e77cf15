"""Safe YAML with line numbers.

Parses one YAML document into plain Python values where every mapping and list remembers
the line of each key and element. Refuses what news front-matter and workflow files never
need and attackers like: aliases and anchors (no "billion laughs"), merge keys, custom
tags, duplicate keys, non-text keys, non-finite numbers and excessive nesting.
Plain scalars are read by the YAML 1.2 core schema (:mod:`warta.adapters.yamlcore`): no
``yes``/``no`` booleans, octal ``010`` or sexagesimal numbers; dates and times stay text,
exactly as written, so that signed payloads see what the author wrote.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from yaml.error import Mark
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from warta.adapters.yamlcore import MERGE, SCALAR_TAGS, CoreLoader, ScalarError, construct
from warta.errors import WartaError
from warta.i18n import _

if TYPE_CHECKING:
    from yaml import _yaml as _yaml_c  # the C parser's marks (only for typing)

MAX_DEPTH = 32
MAX_NODES = 20_000


class YamlError(WartaError):
    """The text is not acceptable YAML; ``line`` is 1-based in the file, ``rule`` names why."""

    def __init__(self, message: str, line: int | None, rule: str = "yaml.syntax") -> None:
        super().__init__(message)
        self.line = line
        self.rule = rule


#: The tag MkDocs configurations use to name a Python object (``!!python/name:module.attr``).
PYTHON_NAME = "tag:yaml.org,2002:python/name:"


@dataclass(frozen=True)
class PythonName:
    """A ``!!python/name:`` value, kept as the name it is: never imported here."""

    name: str
    line: int


class YMap(dict[str, Any]):
    """A mapping that knows its own line and the line of each key, and which of its values
    are written as literal block scalars (``key: |``)."""

    line: int
    key_lines: dict[str, int]
    literal: frozenset[str] = frozenset()

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A list that knows its own line and the line of each element."""

    line: int
    item_lines: list[int]

    def line_at(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


#: libyaml (C) when PyYAML was built with it, with YAML 1.2 core-schema scalars.
_LOADER: Any = CoreLoader
_NODE_EVENTS = (ScalarEvent, SequenceStartEvent, MappingStartEvent, AliasEvent)


_LF = re.compile("\n")
_DEPTH_LINE = re.compile(r"^[^\n]*[\"'\[\]{}][^\n]*", re.MULTILINE)


def rough_depth(text: str, limit: int | None = None) -> tuple[int, int]:
    """An upper bound of the nesting depth (flow brackets and indentation) and its line,
    found in one pass, so absurd nesting is refused before any parser recurses into it.
    With ``limit``, stops at the first place deeper than ``limit`` (bounded time). Only lines
    holding brackets or quotes, and indented lines, are looked at character by character."""
    depth = worst = 0
    worst_line = line = 1
    counted = 0
    for match in _DEPTH_LINE.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        quote = ""
        for char in match.group():
            if quote:
                if char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char in "[{":
                depth += 1
                if depth > worst:
                    worst, worst_line = depth, line
                    if limit is not None and worst > limit:
                        return worst, worst_line
            elif char in "]}":
                depth = max(0, depth - 1)
    # each search finds the next line indented deeper than any before (few searches)
    position = 0
    while deeper := _indented(2 * (worst + 1)).search(text, position):
        worst = len(deeper.group()) // 2
        worst_line = text.count("\n", 0, deeper.start()) + 1
        position = deeper.end()
        if limit is not None and worst > limit:
            break
    return worst, worst_line


@functools.lru_cache(maxsize=256)
def _indented(width: int) -> re.Pattern[str]:
    """Lines starting with at least ``width`` spaces or dashes."""
    return re.compile(rf"^[ -]{{{width},}}", re.MULTILINE)


class _Lines:
    """File line numbers of YAML marks, counted by LF only: YAML also breaks lines at NEL,
    LS and PS (and the marks count those), but the file and every finding do not."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.first_line = first_line

    @functools.cached_property
    def starts(self) -> list[int]:
        """Offsets where lines start (made on first use: most documents never need it)."""
        return [0, *(m.end() for m in _LF.finditer(self.text))]

    def index(self, mark: Mark | _yaml_c.Mark) -> int:
        """0-based line (within the YAML text) of ``mark``."""
        return self.at(int(mark.index)) - self.first_line

    def at(self, offset: int) -> int:
        """File line of the character at ``offset`` in the YAML text."""
        return bisect.bisect_right(self.starts, offset) - 1 + self.first_line

    def of(self, mark: Mark | _yaml_c.Mark) -> int:
        return self.index(mark) + self.first_line


def _count_nodes(text: str, lines: _Lines) -> None:
    """Refuse a document with more than MAX_NODES values by streaming its events, before
    any node tree is built: composing a huge one first would cost seconds and many MiB."""
    loader = _LOADER(text)
    count = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _NODE_EVENTS):
                count += 1
                if count > MAX_NODES:
                    raise YamlError(
                        _(
                            "YAML has too many values: expected at most {most}, found more;"
                            " refusing to read further"
                        ).format(most=MAX_NODES),
                        lines.of(event.start_mark) if event.start_mark else None,
                        "yaml.too-large",
                    )
    finally:
        loader.dispose()


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, lines: _Lines) -> YamlError:
    """A YAML syntax error naming the line, the construct it happened in and what is there."""
    mark = exc.problem_mark or exc.context_mark
    line = lines.of(mark) if mark is not None else None
    problem = exc.problem or _("invalid YAML")
    context = ""
    if exc.context and exc.context_mark is not None:
        context = _(" ({context} that starts at line {line})").format(
            context=exc.context, line=lines.of(exc.context_mark)
        )
    rows = text.split("\n")
    row = lines.index(mark) if mark is not None else len(rows)
    if row < len(rows) and rows[row].strip():
        found = repr(rows[row].strip()[:60])
    else:
        found = _("the end of the YAML")
    return YamlError(
        _("YAML does not parse: {problem}{context}; expected valid YAML, found {found}").format(
            problem=problem, context=context, found=found
        ),
        line,
    )


def parse(text: str, *, first_line: int = 1, python_names: bool = False) -> Any:
    """Parse one YAML document. ``first_line`` is the file line the text starts on. With
    ``python_names``, a ``!!python/name:`` scalar is read as a :class:`PythonName` (for the
    site configuration, whose reader decides which names it accepts); every other tag is
    refused."""
    node, lines = _compose(text, first_line)
    if node is None:
        return None
    return _Converter(lines, python_names=python_names).convert(node, 0)


#: Below this many characters a document is composed without counting its values first
#: (composing it is cheap whatever it holds); they are counted on the tree instead.
SMALL_TEXT = 32_768


def parse_block_mapping(text: str, *, first_line: int = 1) -> tuple[YMap, int] | None:
    """``text`` read as :func:`parse` reads it, when it is one block mapping whose keys start
    in column 0: the mapping and how many values (YAML nodes, keys included) it holds. None
    when the text is anything else or does not parse (:func:`parse` then says why)."""
    try:
        node, lines = _compose(text, first_line, count=len(text) >= SMALL_TEXT)
        if (
            not isinstance(node, MappingNode)
            or node.flow_style
            or node.start_mark is None
            or node.start_mark.column != 0
        ):
            return None
        converter = _Converter(lines)
        data = converter.convert(node, 0)
    except YamlError:
        return None
    nodes = converter.count + converter.keys  # no aliases (refused): each node once
    if nodes > MAX_NODES:
        return None
    return data, nodes


#: What YAML reads as a line break besides LF (and CR, which every reader of Warta's turns
#: into LF first), though git, diffs, ``cat`` and most editors show the line unbroken.
UNSEEN_BREAKS = {
    "\x85": "U+0085 (NEXT LINE)",
    "\u2028": "U+2028 (LINE SEPARATOR)",
    "\u2029": "U+2029 (PARAGRAPH SEPARATOR)",
}


def refuse_unseen_breaks(text: str, first_line: int = 1) -> None:
    """YamlError (``yaml.line-break``) if ``text`` holds a character YAML reads as a line
    break but people do not see as one: what follows it on the line would be read as YAML
    of its own, even after a ``#`` (a comment that hides a key), and lines counted by LF
    would not be the parser's lines."""
    found = [(text.find(char), char) for char in UNSEEN_BREAKS if char in text]
    if not found:
        return
    position, char = min(found)
    raise YamlError(
        _(
            "YAML reads {character} as a line break, but git, diffs and most editors show none:"
            " what follows it would be read as YAML of its own, even after a '#'; expected only"
            " LF line ends in YAML, found {character} (remove it, or write it as an escape in a"
            " double-quoted value)"
        ).format(character=UNSEEN_BREAKS[char]),
        first_line + text.count("\n", 0, position),
        "yaml.line-break",
    )


def _compose(text: str, first_line: int, *, count: bool = True) -> tuple[Node | None, _Lines]:
    """The node tree of one YAML document, refused (YamlError) when it holds a line break
    people do not see, is too deep, too large (values counted before composing, unless
    ``count`` is false) or not YAML."""
    refuse_unseen_breaks(text, first_line)
    depth, depth_line = rough_depth(text, 2 * MAX_DEPTH)
    if depth > 2 * MAX_DEPTH:
        raise YamlError(
            _(
                "YAML is nested too deeply: expected at most {most} levels, found more than {found}"
            ).format(most=MAX_DEPTH, found=2 * MAX_DEPTH),
            depth_line + first_line - 1,
            "yaml.too-deep",
        )
    lines = _Lines(text, first_line)
    try:
        if count:
            _count_nodes(text, lines)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, lines) from None
    except yaml.reader.ReaderError as exc:
        raise YamlError(
            _(
                "YAML does not parse: {reason}; expected printable text, found the character"
                " 0x{code}"
            ).format(reason=exc.reason, code=f"{int(exc.character):02x}"),
            lines.at(int(exc.position)),
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(
            _("YAML does not parse: {error}; expected valid YAML").format(error=exc), first_line
        ) from None
    except UnicodeError as exc:  # a lone surrogate: never from a file read as UTF-8
        raise YamlError(
            _("YAML does not parse: expected Unicode text, found {error}").format(error=exc),
            first_line,
        ) from None
    except RecursionError:
        raise YamlError(
            _(
                "YAML is nested too deeply to read: expected at most {most} levels, found more"
            ).format(most=MAX_DEPTH),
            first_line,
            "yaml.too-deep",
        ) from None
    return node, lines


class _Converter:
    def __init__(self, lines: _Lines, *, python_names: bool = False) -> None:
        self.lines = lines
        self.python_names = python_names
        self.seen: set[int] = set()
        self.count = 0
        #: mapping keys read (not counted in ``count``)
        self.keys = 0

    def line(self, node: Node) -> int:
        return self.lines.of(node.start_mark)

    def convert(self, node: Node, depth: int) -> Any:
        if id(node) in self.seen:
            raise YamlError(
                _(
                    "YAML anchors and aliases are not allowed: expected plain values, found an"
                    " alias"
                ),
                self.line(node),
                "yaml.alias",
            )
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError(
                _(
                    "YAML has too many values: expected at most {most}, found more;"
                    " refusing to read further"
                ).format(most=MAX_NODES),
                self.line(node),
                "yaml.too-large",
            )
        if depth > MAX_DEPTH:
            raise YamlError(
                _("YAML is nested too deeply: expected at most {most} levels, found more").format(
                    most=MAX_DEPTH
                ),
                self.line(node),
                "yaml.too-deep",
            )
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            return self.sequence(node, depth)
        if isinstance(node, MappingNode):
            return self.mapping(node, depth)
        raise YamlError(  # pragma: no cover
            _("unsupported YAML node"), self.line(node), "yaml.syntax"
        )

    def scalar(self, node: ScalarNode) -> Any:
        if self.python_names and node.tag.startswith(PYTHON_NAME) and not node.value:
            return PythonName(node.tag[len(PYTHON_NAME) :], self.line(node))
        if node.tag not in SCALAR_TAGS:
            raise YamlError(
                _(
                    "YAML tag {tag!r} is not allowed: expected plain values, found a tagged one"
                ).format(tag=node.tag),
                self.line(node),
                "yaml.tag",
            )
        try:
            return construct(node.tag, node.value)
        except ScalarError as exc:
            raise YamlError(exc.args[0], self.line(node), exc.rule) from None

    def sequence(self, node: SequenceNode, depth: int) -> YList:
        if node.tag != "tag:yaml.org,2002:seq":
            raise YamlError(
                _(
                    "YAML tag {tag!r} is not allowed: expected a plain list, found a tagged one"
                ).format(tag=node.tag),
                self.line(node),
                "yaml.tag",
            )
        out = YList()
        out.line = self.line(node)
        out.item_lines = []
        for child in node.value:
            out.append(self.convert(child, depth + 1))
            out.item_lines.append(self.line(child))
        return out

    def mapping(self, node: MappingNode, depth: int) -> YMap:
        if node.tag != "tag:yaml.org,2002:map":
            raise YamlError(
                _(
                    "YAML tag {tag!r} is not allowed: expected a plain mapping, found a tagged one"
                ).format(tag=node.tag),
                self.line(node),
                "yaml.tag",
            )
        out = YMap()
        out.line = self.line(node)
        out.key_lines = {}
        for key_node, value_node in node.value:
            line = self.line(key_node)
            if key_node.tag == MERGE:
                raise YamlError(
                    _("YAML merge keys are not allowed: expected plain keys, found '<<'"),
                    line,
                    "yaml.alias",
                )
            if not isinstance(key_node, ScalarNode):
                raise YamlError(
                    _("a mapping key must be text: expected text, found a list or mapping"),
                    line,
                    "yaml.key",
                )
            key = self.scalar(key_node)
            if not isinstance(key, str):
                raise YamlError(
                    _(
                        "a mapping key must be text: expected text, found {kind} {value!r}"
                        " (quote it)"
                    ).format(kind=type(key).__name__, value=key_node.value),
                    line,
                    "yaml.key",
                )
            if key in out:
                raise YamlError(
                    _(
                        "duplicate key {key!r}: expected each key once, found it again (first"
                        " at line {line})"
                    ).format(key=key, line=out.key_lines[key]),
                    line,
                    "yaml.duplicate-key",
                )
            out[key] = self.convert(value_node, depth + 1)
            out.key_lines[key] = line
            if isinstance(value_node, ScalarNode) and value_node.style == "|":
                out.literal = out.literal | {key}
            self.keys += 1
        return out


#: What JSON leaves as it is (``ensure_ascii=False``) but YAML reads otherwise: the line
#: breaks NEL, LS and PS, and what YAML refuses raw but reads escaped (DEL, the C1 controls,
#: U+FFFE, U+FFFF). (A lone surrogate, from a file name that is not UTF-8, YAML refuses
#: either way.)
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def quoted(value: Any) -> str:
    """``value`` written as JSON that YAML reads back as the same value (a string as a
    double-quoted scalar): readable text as it is, what YAML would read otherwise escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
