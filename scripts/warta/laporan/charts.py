"""The report's charts, drawn with matplotlib (Agg) as deterministic SVG: text drawn as
paths, a fixed hash salt for the ids, no date in the metadata. Same figures, same bytes.

Only labels Warta makes (step numbers, month names) and numbers reach a chart: never a
title, a name or any other text from an item.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from warta.model.performance import Month, StepFigures

if TYPE_CHECKING:  # matplotlib's own name for the keys rcParams accept
    from matplotlib.typing import RcKeyType


@contextmanager
def _in_empty_folder() -> Iterator[None]:
    """Work in a new, empty folder, then return to the one we were in.

    matplotlib reads a file named `matplotlibrc` in the working folder when it is imported,
    and `warta laporan` runs in the office's checkout, where anyone who can push could
    commit one: settings that redraw the charts, `text.usetex` (which runs `latex` over a
    preamble of their choosing), a link to a file elsewhere (each bad line is echoed), or a
    FIFO (the import waits forever). Imported from an empty folder, it reads its own
    defaults and the user's settings only."""
    here = os.open(".", os.O_RDONLY)
    try:
        with tempfile.TemporaryDirectory(prefix="warta-charts-") as empty:
            os.chdir(empty)
            try:
                yield
            finally:
                os.fchdir(here)
    finally:
        os.close(here)


with _in_empty_folder():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_STYLE: dict[RcKeyType, Any] = {
    "svg.hashsalt": "warta-laporan",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_BLUE, _ORANGE, _GREY = "#1f5fa8", "#e08a1e", "#555555"


@contextmanager
def _style() -> Iterator[None]:
    """matplotlib's built-in defaults plus Warta's few settings, whatever was read before
    (the user's own `matplotlibrc`, or one read by an earlier import in this process): the
    same figures always draw the same bytes."""
    with plt.rc_context():
        matplotlib.rcdefaults()
        plt.rcParams.update(_STYLE)
        yield


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": "Warta"})
    plt.close(figure)
    text = out.getvalue()
    # the XML prologue and DOCTYPE are not wanted inline in HTML
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def steps_chart(steps: Sequence[StepFigures]) -> str:
    """Median and 90th percentile of each measured step as a percentage of its standard
    time (100 % is the Mutu Baku)."""
    with _style():
        figure, axes = plt.subplots(figsize=(6.4, 2.8))
        labels, medians, p90s = [], [], []
        for s in steps:
            if s.median is None or s.p90 is None:
                continue
            labels.append(f"{s.step.number}. {s.step.id}")
            medians.append(100 * s.median / s.step.time.amount)
            p90s.append(100 * s.p90 / s.step.time.amount)
        positions = list(range(len(labels)))
        axes.barh([p + 0.2 for p in positions], medians, height=0.38, color=_BLUE,
                  label="median")
        axes.barh([p - 0.2 for p in positions], p90s, height=0.38, color=_ORANGE,
                  label="persentil ke-90")
        axes.axvline(100, color=_GREY, linestyle="--", linewidth=1)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.set_xlabel("% dari Mutu Baku waktu (garis: 100 %)")
        if labels:
            axes.legend(loc="lower right", frameon=False)
        else:
            axes.text(0.5, 0.5, "tidak ada data", transform=axes.transAxes, ha="center")
        figure.tight_layout()
        return _svg(figure)


def month_label(month: str) -> str:
    """'2026-11' as 'Nov 2026'."""
    year, number = month.split("-")
    return f"{_MONTHS[int(number) - 1]} {year}"


def months_chart(months: Sequence[Month]) -> str:
    """Items started and published in each month of the period."""
    with _style():
        figure, axes = plt.subplots(figsize=(6.4, 2.6))
        positions = list(range(len(months)))
        axes.bar([p - 0.2 for p in positions], [m.started for m in months], width=0.38,
                 color=_GREY, label="dimulai")
        axes.bar([p + 0.2 for p in positions], [m.published for m in months], width=0.38,
                 color=_BLUE, label="diterbitkan")
        axes.set_xticks(positions, [month_label(m.month) for m in months],
                        rotation=45 if len(months) > 6 else 0, ha="right" if len(months) > 6
                        else "center")
        axes.set_ylabel("berita")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(loc="upper left", frameon=False)
        figure.tight_layout()
        return _svg(figure)
