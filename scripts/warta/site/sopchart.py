"""The layout of the SOP's flowchart in the form of Permenpan RB No. 35/2012: one column
(lane) per executor, the symbols of the SOP AP (terminator, process, decision) in their
executor's lane, one row per activity, and the Mutu Baku columns (kelengkapan, waktu,
output) on the same rows, as the signed SOP document draws it.

Pure: a :class:`~warta.model.sop.Sop` in, coordinates out (SVG user units, integers). The
markup is the template ``sopchart.html``; texts stay texts here (the template escapes
them). Texts are wrapped by an estimate of their width (``CHAR`` per character, wide enough
for the common sans-serif fonts), so that a row is as tall as its longest cell.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from enum import Enum

from warta.model.sop import Sop, Step

#: Font size, line height, cell padding and the width a character is counted as.
FONT = 12
LINE = 15
PAD = 8
CHAR = 0.58 * FONT
#: Column widths: No, Kegiatan, each lane, then Kelengkapan, Waktu, Output.
NO_W, ACTIVITY_W, LANE_W = 36, 250, 132
MUTU_W = (140, 76, 140)
#: Symbol sizes: all as wide as a box (a lane keeps a margin for the return path).
BOX_W, BOX_H, TERM_H, DIAMOND_H = 96, 36, 30, 54
#: Room above and below a symbol in its row (the arrows bend there), and the offset of a
#: return path from the box it goes back to.
GAP, CHANNEL = 14, 12
#: The first header row (No, Kegiatan, Pelaksana, Mutu Baku).
GROUP_H = 28


class Kind(Enum):
    TERMINATOR = "terminator"
    PROCESS = "process"
    DECISION = "decision"


@dataclass(frozen=True)
class Text:
    """Lines of text, the first baseline at (x, y), the next ones ``LINE`` lower;
    ``anchor`` is SVG's text-anchor."""

    x: int
    y: int
    lines: tuple[str, ...]
    anchor: str = "start"


@dataclass(frozen=True)
class Lane:
    role: str
    title: str
    short: str
    x: int
    width: int
    header: Text


@dataclass(frozen=True)
class Symbol:
    """A symbol in lane ``lane`` (a role id): a step (``number``) or the start or end."""

    kind: Kind
    lane: str
    x: int
    y: int
    width: int
    height: int
    number: int | None = None

    @property
    def cx(self) -> int:
        return self.x + self.width // 2

    @property
    def cy(self) -> int:
        return self.y + self.height // 2

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def points(self) -> str:
        """The diamond's corners (a decision)."""
        right = self.x + self.width
        return f"{self.cx},{self.y} {right},{self.cy} {self.cx},{self.bottom} {self.x},{self.cy}"


@dataclass(frozen=True)
class Arrow:
    """A connector: a polyline ending in an arrowhead; a decision's branches are labelled
    (``label`` is "yes" or "no", the template prints the words) at ``at``."""

    points: tuple[tuple[int, int], ...]
    label: str = ""
    at: tuple[int, int] = (0, 0)
    anchor: str = "start"

    @property
    def path(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.points)


@dataclass(frozen=True)
class Row:
    """A row of the chart: the start or end (no texts) or a step's No, Kegiatan and Mutu
    Baku cells."""

    y: int
    height: int
    cells: tuple[Text, ...]
    number: int | None = None


@dataclass(frozen=True)
class Header:
    """A header cell: its box and where its (one-line) label goes."""

    x: int
    y: int
    width: int
    height: int
    label: Text


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    header_height: int
    #: No and Kegiatan (two header rows), Pelaksana and Mutu Baku (the first), Kelengkapan,
    #: Waktu and Output (the second), in that order
    headers: tuple[Header, ...]
    lanes: tuple[Lane, ...]
    rows: tuple[Row, ...]
    symbols: tuple[Symbol, ...]
    arrows: tuple[Arrow, ...]
    #: the grid's lines inside the chart's frame: (x1, y1, x2, y2)
    grid: tuple[tuple[int, int, int, int], ...]
    #: the step the decision returns to ('no'), if the SOP has a decision
    returns_to: Step | None
    decision: Step | None

    def short(self, role: str) -> str:
        """The short name of the executor ``role`` (a lane's role id)."""
        return next(lane.short for lane in self.lanes if lane.role == role)


def wrap(text: str, width: int) -> tuple[str, ...]:
    """``text`` in lines that fit ``width`` units (a word longer than a line is cut)."""
    chars = max(1, int((width - 2 * PAD) / CHAR))
    return tuple(textwrap.wrap(" ".join(text.split()), chars, break_long_words=True)) or ("",)


def executors(sop: Sop) -> tuple[str, ...]:
    """The role ids that perform a step, in the order sop.yml lists the roles."""
    performing = {step.role for step in sop.steps}
    return tuple(role for role in sop.roles if role in performing)


def decision(sop: Sop) -> tuple[Step, Step] | None:
    """The decision and the step its 'no' returns to: the publishing gate, when its role
    may return an item (``take_back.return_by``), back to the last step before it whose
    signer may change the text (where ``warta return`` sends a rejected report)."""
    gate, index = sop.gate, sop.gate_index
    before = sop.steps[index - 1] if index else None  # the latest step when it is decided
    if gate.role not in sop.roles_for(sop.take_back.return_by, before):
        return None
    back = sop.last_editor_before(sop.gate_index)
    if back is None or back is gate:
        return None
    return gate, back


def _centered(top: int, height: int, symbol_h: int) -> int:
    return top + (height - symbol_h) // 2


def _forward(source: Symbol, target: Symbol, row_top: int) -> Arrow:
    """Down from ``source``, across in the gap above ``target`` (in its row), down into it."""
    start, end = (source.cx, source.bottom), (target.cx, target.y)
    if source.cx == target.cx:
        return Arrow((start, end))
    bend = row_top + (target.y - row_top) // 2
    return Arrow((start, (source.cx, bend), (target.cx, bend), end))


def _back(diamond: Symbol, target: Symbol) -> Arrow:
    """From the diamond's side towards ``target``'s lane, to a channel on the far side of
    ``target`` (in its lane's margin, clear of the boxes and of the arrow from ``target``
    down to the diamond), up, into that side of ``target``."""
    if target.cx < diamond.cx:  # the target's lane is to the left: its left side
        exit_x, channel, enter = diamond.x, target.x - CHANNEL, target.x
    else:  # same lane or to the right: the target's right side
        exit_x = diamond.x + diamond.width
        channel, enter = target.x + target.width + CHANNEL, target.x + target.width
    points = ((exit_x, diamond.cy), (channel, diamond.cy), (channel, target.cy),
              (enter, target.cy))
    rightwards = channel > exit_x
    label_x = exit_x + (6 if rightwards else -6)
    return Arrow(points, "no", (label_x, diamond.cy - 5), "start" if rightwards else "end")


def layout(sop: Sop) -> Chart:
    """The chart of ``sop``: lanes, rows, symbols and connectors."""
    roles = executors(sop)
    lanes_x = NO_W + ACTIVITY_W
    mutu_x = lanes_x + LANE_W * len(roles)
    width = mutu_x + sum(MUTU_W)
    lane_x = {role: lanes_x + LANE_W * i for i, role in enumerate(roles)}
    titles = {role: wrap(sop.roles[role].title, LANE_W) for role in roles}
    second = max((len(lines) for lines in titles.values()), default=1) * LINE + 2 * PAD
    header_h = GROUP_H + second

    def label(x: int, y: int, w: int, h: int, text: str) -> Header:
        return Header(x, y, w, h, Text(x + w // 2, y + h // 2 + FONT // 3, (text,), "middle"))

    mutu_xs = [mutu_x, mutu_x + MUTU_W[0], mutu_x + MUTU_W[0] + MUTU_W[1]]
    headers = (
        label(0, 0, NO_W, header_h, "No"),
        label(NO_W, 0, ACTIVITY_W, header_h, "Kegiatan"),
        label(lanes_x, 0, mutu_x - lanes_x, GROUP_H, "Pelaksana"),
        label(mutu_x, 0, sum(MUTU_W), GROUP_H, "Mutu Baku"),
        *(label(x, GROUP_H, w, second, name)
          for x, w, name in zip(mutu_xs, MUTU_W, ("Kelengkapan", "Waktu", "Output"),
                                strict=True)),
    )
    lanes = tuple(
        Lane(role, sop.roles[role].title, sop.roles[role].short, lane_x[role], LANE_W,
             Text(lane_x[role] + LANE_W // 2, GROUP_H + PAD + FONT, titles[role], "middle"))
        for role in roles
    )
    found = decision(sop)
    gate, back = found if found is not None else (None, None)

    rows: list[Row] = []
    symbols: list[Symbol] = []
    arrows: list[Arrow] = []
    top = header_h

    def terminator(role: str) -> None:
        nonlocal top
        height = TERM_H + 2 * GAP
        rows.append(Row(top, height, ()))
        symbols.append(Symbol(Kind.TERMINATOR, role, lane_x[role] + (LANE_W - BOX_W) // 2,
                              _centered(top, height, TERM_H), BOX_W, TERM_H))
        top += height

    first = sop.steps[0].role  # loading guarantees steps (one of them the gate)
    terminator(first)
    for step in sop.steps:
        texts = (
            (NO_W, (f"{step.number}.",)),
            (ACTIVITY_W, wrap(step.activity, ACTIVITY_W)),
            *((w, wrap(value, w)) for w, value in zip(
                MUTU_W, (step.input, step.time.label(), step.output), strict=True)),
        )
        kind = Kind.DECISION if step is gate else Kind.PROCESS
        symbol_h = DIAMOND_H if kind is Kind.DECISION else BOX_H
        height = max(max(len(lines) for _, lines in texts) * LINE + 2 * PAD,
                     symbol_h + 2 * GAP)
        xs = (0, NO_W, *mutu_xs)
        cells = tuple(Text(x + PAD, top + PAD + FONT, lines)
                      for x, (_, lines) in zip(xs, texts, strict=True))
        rows.append(Row(top, height, cells, step.number))
        symbols.append(Symbol(kind, step.role, lane_x[step.role] + (LANE_W - BOX_W) // 2,
                              _centered(top, height, symbol_h), BOX_W, symbol_h, step.number))
        top += height
    terminator(first)  # the procedure ends where it began (the seed's last terminator)

    for index in range(1, len(symbols)):
        source, target = symbols[index - 1], symbols[index]
        arrow = _forward(source, target, rows[index].y)
        if source.kind is Kind.DECISION:
            arrow = Arrow(arrow.points, "yes", (source.cx + 6, source.bottom + LINE - 4))
        arrows.append(arrow)
    if gate is not None and back is not None:
        by_number = {s.number: s for s in symbols if s.number is not None}
        arrows.append(_back(by_number[gate.number], by_number[back.number]))

    # the borders of the groups run from the top, those inside a group below its name
    full = [(x, 0) for x in (NO_W, lanes_x, mutu_x)]
    inner = [(lane_x[r], GROUP_H) for r in roles[1:]] + [(x, GROUP_H) for x in mutu_xs[1:]]
    grid = (
        *((x, y, x, top) for x, y in sorted(full + inner)),
        (lanes_x, GROUP_H, width, GROUP_H),
        *((0, row.y, width, row.y) for row in rows),
    )
    return Chart(width, top, header_h, headers, lanes, tuple(rows), tuple(symbols),
                 tuple(arrows), grid, back, gate)
