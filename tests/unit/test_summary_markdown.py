"""The pull-request summary's Markdown: hostile text renders as itself and nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from warta import i18n
from warta.model.findings import error
from warta.summary import Actor, ItemChange, NextStep, State, StepRow, Summary
from warta.summary_markdown import (
    MAX_FINDINGS,
    MAX_STEPS,
    SUMMARY_MAX,
    code,
    md,
    mention,
    one_line,
    render_summary,
)


def test_md_escapes_html_links_mentions_tables_and_autolinks() -> None:
    assert md("<b>x</b> [a](javascript:alert(1)) @everyone | https://evil.example") == (
        "\\<b\\>x\\</b\\> \\[a\\]\\(javascript\\:alert\\(1\\)\\) ＠everyone \\|"
        " https\\://evil\\.example"
    )


def test_one_line_collapses_breaks_and_shows_format_characters() -> None:
    assert one_line("a\n\n# b\r\n\u2028c\u202ed") == "a # b c\ufffdd"
    assert one_line("x" * 10, 5) == "xxxx…"


def test_code_spans_hold_backticks() -> None:
    assert code("a`b") == "``a`b``"
    assert code("`x") == "`` `x ``"


def test_only_plain_accounts_become_mentions() -> None:
    assert mention("ayu-l") == " @ayu-l"
    assert mention("org/team") == ""
    assert mention(None) == ""


@pytest.fixture
def indonesian() -> Iterator[None]:
    """The summary in Indonesian, as a pull request reads it by default."""
    i18n.set_language("id")
    try:
        yield
    finally:
        i18n.set_language(None)


def _change() -> ItemChange:
    findings = tuple(error("p.md", n, "r.x", f"m{n}") for n in range(1, MAX_FINDINGS + 3))
    return ItemChange(
        "id-1",
        "Judul",
        "p.md",
        "p.md",
        State("ditulis", True, False),
        State("ditulis", False, False),
        (StepRow("4. laporan", "Sri", "Kasubag", "2 November 2026 10.00 WIB", "5 menit",
                 "5 menit", False, True),),
        findings,
        NextStep("5. pengesahan", "Kabag", "", (Actor("Hendra", "Plt. Kabag", "hw"),)),
    )


def test_render_caps_findings_and_names_no_change(indonesian: None) -> None:
    text = render_summary(Summary("main", "a" * 40, (_change(),), ()))
    assert "- … dan 2 temuan lain (lihat `warta validate`)\n" in text
    assert "dapat diambil oleh: Hendra (Plt\\. Kabag) @hw\n" in text
    assert "Temuan yang menghalangi terbit (7):" in text
    empty = render_summary(Summary("main", "a" * 40, (), ()))
    assert empty == (
        "## Ringkasan perubahan berita\n\n"
        "Dibandingkan dengan `main` (`aaaaaaaaaa`): tidak ada berita yang berubah.\n"
    )


def test_render_in_english() -> None:
    text = render_summary(Summary("main", "a" * 40, (_change(),), ()))
    assert text.startswith(
        "## Summary of the news changes\n\nCompared with `main` (`aaaaaaaaaa`): 1 item changed.\n"
    )
    assert "| Step | By | Time | Took | Mutu Baku |\n" in text
    assert "- Status: `ditulis` → `ditulis` (claimed, not verified)\n" in text
    assert "- … and 2 more findings (see `warta validate`)\n" in text
    assert "may be taken by: Hendra (Plt\\. Kabag) @hw\n" in text
    assert "Findings that block publication (7):" in text


def test_a_summary_over_its_bound_counts_the_items_it_leaves_out() -> None:
    """The whole summary's bound (``SUMMARY_MAX``), on items each as large as an item may
    make its entry: under a pull-request comment's limit, the items that do not fit
    counted (the table's bound through the CLI: tests/integration/test_summary.py)."""
    row = StepRow("3. penulisan", "x" * 80, "Staf", "2026-11-02 12:00", "1 menit", "5 hari",
                  None, True, "|" * 120)
    items = tuple(
        ItemChange(f"{n:04d}-" + "j" * 80, "Judul " + "x" * 200, None,
                   f"content/berita/2026/{n:04d}/index.md", None, None, (row,) * MAX_STEPS)
        for n in range(40)
    )
    text = render_summary(Summary("main", "0" * 40, items, ()))
    assert len(text) <= SUMMARY_MAX
    shown = len(re.findall(r"(?m)^### [0-9]+\. ", text))
    assert 0 < shown < 40
    assert f"… and {40 - shown} more items." in text
    assert "(This summary stops at 60,000 characters, which a pull-request comment" in text
