"""Rewrite only the workflow keys (status, approved_by, signoffs) of an item's front-matter,
and, when asked to, its ``files`` list.

Other content keys and the body are kept byte for byte, so the content digest changes only
when the list of files does. The rewritten keys are removed wherever they were and written
again at the end (``files`` just before the workflow keys).
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml
from yaml.nodes import MappingNode

from warta.adapters.frontmatter import split
from warta.adapters.yamlnodes import quoted, refuse_unseen_breaks
from warta.model.item import CORRECT, RETURN, WORKFLOW_KEYS, Attachment, Signoff


def render_signoffs(signoffs: Sequence[Signoff]) -> str:
    if not signoffs:
        return "signoffs: []\n"
    out = ["signoffs:\n"]
    for s in signoffs:
        if s.is_step:
            out.append(f"  - step: {quoted(s.step)}\n")
        else:
            out.append(f"  - action: {quoted(s.action)}\n")
            if s.action == RETURN:
                out.append(f"    to: {quoted(s.to)}\n")
            if s.action != CORRECT:
                out.append(f"    reason: {quoted(s.reason)}\n")
        out.append(f"    by: {quoted(s.by)}\n")
        out.append(f"    at: {s.at_text}\n")
        if s.content:
            out.append(f"    content: {quoted(s.content)}\n")
        if s.note:
            out.append(f"    note: {quoted(s.note)}\n")
        if s.sig:
            out.append("    sig: |\n")
            out.extend(f"      {line}\n" for line in s.sig.strip().splitlines())
    return "".join(out)


def render_files(files: Sequence[Attachment]) -> str:
    if not files:
        return "files: []\n"
    out = ["files:\n"]
    for entry in files:
        out.append(f"  - path: {quoted(entry.path)}\n")
        out.append(f"    sha256: {quoted(entry.digest.removeprefix('sha256:'))}\n")
    return "".join(out)


def rewrite_workflow(
    text: str,
    *,
    status: str,
    approved_by: str | None,
    signoffs: Sequence[Signoff],
    files: Sequence[Attachment] | None = None,
    revision: int | None = None,
) -> str:
    """``text`` (LF, already known to parse) with its workflow keys (and, if ``files`` is
    given, its list of files) replaced."""
    parts = split(text)
    refuse_unseen_breaks(parts.yaml_text)  # (the parser's lines must be these lines)
    lines = parts.yaml_text.split("\n")
    node = yaml.compose(parts.yaml_text, Loader=yaml.SafeLoader)
    drop: set[int] = set()
    replaced = WORKFLOW_KEYS | ({"files"} if files is not None else set())
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.value not in replaced:
                continue
            start = key_node.start_mark.line
            end_mark = value_node.end_mark
            end = end_mark.line if end_mark.column == 0 else end_mark.line + 1
            drop.update(range(start, max(end, start + 1)))
    kept = "\n".join(line for i, line in enumerate(lines) if i not in drop).rstrip("\n")
    block = render_files(files) if files is not None else ""
    block += f"status: {quoted(status)}\n"
    if revision is not None:
        block += f"revision: {revision}\n"
    if approved_by is not None:
        block += f"approved_by: {quoted(approved_by)}\n"
    block += render_signoffs(signoffs)
    head = f"{kept}\n" if kept else ""
    return f"---\n{head}{block}---\n{parts.body}"
