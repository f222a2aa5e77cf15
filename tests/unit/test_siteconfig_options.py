"""Which options a "safe" Markdown extension may be given: codehilite hands any option it
does not know to Pygments (whose image formatter opens a font file, or runs ``fc-list``), so
it takes only its own and those of Pygments' HTML formatter that shape the markup."""

from __future__ import annotations

import pytest

from warta.adapters import siteconfig
from warta.adapters.sitemanifest import Allow
from warta.adapters.yamlnodes import YMap, parse
from warta.model.findings import Finding


def _judged(options: str) -> tuple[list[str], list[Finding]]:
    data = parse(f"markdown_extensions:\n  - codehilite:\n{options}", python_names=True)
    assert isinstance(data, YMap)
    findings: list[Finding] = []
    names = [name for name, _options in siteconfig._extensions(data, Allow(), findings)]
    return names, findings


@pytest.mark.parametrize("options", [
    "      linenums: true\n      wrapcode: true\n      hl_lines: '1 2'\n",
    "      pygments_formatter: html\n      pygments_style: default\n",
])
def test_codehilite_keeps_its_own_options(options: str) -> None:
    names, findings = _judged(options)
    assert "codehilite" in names and findings == []


@pytest.mark.parametrize(("options", "why"), [
    ("      pygments_formatter: png\n", "pygments_formatter 'png'; expected 'html'"),
    ("      font_name: /etc/passwd\n", "unknown option 'font_name'"),
    ("      cssfile: gaya.css\n      full: true\n", "unknown option 'cssfile'"),
    ("      tagsfile: tags\n", "unknown option 'tagsfile'"),
])
def test_codehilite_is_left_out_with_any_other(options: str, why: str) -> None:
    names, findings = _judged(options)
    assert "codehilite" not in names
    (finding,) = findings
    assert finding.rule == "site.extension" and finding.line == 2, finding
    assert why in finding.message, finding.message
