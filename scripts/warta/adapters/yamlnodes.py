"""Safe YAML with line numbers.

Parses one YAML document into plain Python values where every mapping and list remembers
the line of each key and element. Refuses what news front-matter and workflow files never
need and attackers like: aliases and anchors (no "billion laughs"), merge keys, custom
tags, duplicate keys, non-text keys, non-finite numbers and excessive nesting.
Timestamps stay text, exactly as written, so that signed payloads see what the author wrote.
"""

from __future__ import annotations

import math
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from warta.errors import WartaError

MAX_DEPTH = 32
MAX_NODES = 20_000

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_STANDARD_SCALARS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    _TIMESTAMP,
}


class YamlError(WartaError):
    """The text is not acceptable YAML; ``line`` is 1-based in the file, ``rule`` names why."""

    def __init__(self, message: str, line: int | None, rule: str = "yaml.syntax") -> None:
        super().__init__(message)
        self.line = line
        self.rule = rule


class YMap(dict[str, Any]):
    """A mapping that knows its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A list that knows its own line and the line of each element."""

    line: int
    item_lines: list[int]

    def line_at(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


#: libyaml (C) when PyYAML was built with it: fast, and it bounds nesting itself.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def rough_depth(text: str) -> tuple[int, int]:
    """An upper bound of the nesting depth (flow brackets and indentation) and its line,
    found in one pass, so absurd nesting is refused before any parser recurses into it."""
    depth = worst = 0
    worst_line = line = 1
    quote = ""
    for char in text:
        if char == "\n":
            line += 1
            quote = ""
            continue
        if quote:
            if char == quote:
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > worst:
                worst, worst_line = depth, line
        elif char in "]}":
            depth = max(0, depth - 1)
    for number, row in enumerate(text.split("\n"), start=1):
        indent = (len(row) - len(row.lstrip(" -"))) // 2
        if indent > worst:
            worst, worst_line = indent, number
    return worst, worst_line


def parse(text: str, *, first_line: int = 1) -> Any:
    """Parse one YAML document. ``first_line`` is the file line the text starts on."""
    depth, depth_line = rough_depth(text)
    if depth > 2 * MAX_DEPTH:
        raise YamlError(
            f"YAML is nested deeper than {MAX_DEPTH} levels (found about {depth})",
            depth_line + first_line - 1,
            "yaml.too-deep",
        )
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = exc.problem or "invalid YAML"
        raise YamlError(f"YAML does not parse: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML does not parse: {exc}", first_line) from None
    except RecursionError:
        raise YamlError(
            f"YAML is nested too deeply to read (more than {MAX_DEPTH} levels expected at most)",
            first_line,
            "yaml.too-deep",
        ) from None
    if node is None:
        return None
    return _Converter(first_line).convert(node, 0)


class _Converter:
    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.seen: set[int] = set()
        self.count = 0
        self.scalars = yaml.SafeLoader("")

    def line(self, node: Node) -> int:
        return int(node.start_mark.line) + self.first_line

    def convert(self, node: Node, depth: int) -> Any:
        if id(node) in self.seen:
            raise YamlError(
                "YAML anchors and aliases are not allowed (expected plain values, found an alias)",
                self.line(node),
                "yaml.alias",
            )
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError(
                f"YAML has more than {MAX_NODES} values; refusing to read further",
                self.line(node),
                "yaml.too-large",
            )
        if depth > MAX_DEPTH:
            raise YamlError(
                f"YAML is nested deeper than {MAX_DEPTH} levels", self.line(node), "yaml.too-deep"
            )
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            return self.sequence(node, depth)
        if isinstance(node, MappingNode):
            return self.mapping(node, depth)
        raise YamlError("unsupported YAML node", self.line(node), "yaml.syntax")  # pragma: no cover

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag not in _STANDARD_SCALARS:
            raise YamlError(
                f"YAML tag {node.tag!r} is not allowed (expected plain values)",
                self.line(node),
                "yaml.tag",
            )
        if node.tag == _TIMESTAMP:
            return node.value
        try:
            value = self.scalars.construct_object(node)
        except yaml.YAMLError as exc:
            raise YamlError(f"YAML value does not parse: {exc}", self.line(node)) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise YamlError(f"number {node.value!r} is not finite", self.line(node), "yaml.number")
        return value

    def sequence(self, node: SequenceNode, depth: int) -> YList:
        if node.tag != "tag:yaml.org,2002:seq":
            raise YamlError(f"YAML tag {node.tag!r} is not allowed", self.line(node), "yaml.tag")
        out = YList()
        out.line = self.line(node)
        out.item_lines = []
        for child in node.value:
            out.append(self.convert(child, depth + 1))
            out.item_lines.append(self.line(child))
        return out

    def mapping(self, node: MappingNode, depth: int) -> YMap:
        if node.tag != "tag:yaml.org,2002:map":
            raise YamlError(f"YAML tag {node.tag!r} is not allowed", self.line(node), "yaml.tag")
        out = YMap()
        out.line = self.line(node)
        out.key_lines = {}
        for key_node, value_node in node.value:
            line = self.line(key_node)
            if key_node.tag == _MERGE:
                raise YamlError("YAML merge keys (<<) are not allowed", line, "yaml.alias")
            if not isinstance(key_node, ScalarNode):
                raise YamlError(
                    "a mapping key must be text, found a list or mapping", line, "yaml.key"
                )
            key = self.scalar(key_node)
            if not isinstance(key, str):
                raise YamlError(
                    f"a mapping key must be text, found {type(key).__name__} {key_node.value!r}"
                    " (quote it)",
                    line,
                    "yaml.key",
                )
            if key in out:
                raise YamlError(
                    f"duplicate key {key!r} (first at line {out.key_lines[key]})",
                    line,
                    "yaml.duplicate-key",
                )
            out[key] = self.convert(value_node, depth + 1)
            out.key_lines[key] = line
        return out
