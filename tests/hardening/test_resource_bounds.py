"""Hostile but small files are refused quickly and with bounded memory.

Every input is at most MAX_BYTES (1 MiB), the size limit of a news item, so it reaches the
parser. Reading, parsing and scanning one of them (what ``warta validate`` does per file)
must finish within 2 s and allocate at most 48 MiB at peak (measured with tracemalloc): a
correctness bound against exponential or quadratic work and against building huge trees,
not a benchmark. Before the limits were streamed, 90,000 keys took seconds and ~85 MiB.
"""

from __future__ import annotations

import base64
import gc
import random
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from warta.adapters.items import load_item
from warta.adapters.textfile import MAX_BYTES
from warta.model.findings import Finding
from warta.model.pii import check_personal_data

SECONDS = 2.0
PEAK_BYTES = 48 * 1024 * 1024
CORPUS = Path(__file__).parent / "corpus"
HEAD = "---\nid: korpus-besar\ntitle: Judul\ndate: 2026-11-02\ncategories: [Umum]\n"
DESCRIPTION = "description: Ringkasan.\n"


def item(front: str = DESCRIPTION, body: str = "Isi.\n") -> str:
    return f"{HEAD}{front}slug: jembatan\nstatus: usulan\nsignoffs: []\n---\n\n{body}"


def _laughs(levels: int) -> str:
    rows = ['l0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(rows) + "\n"


def _nested_block(depth: int) -> str:
    return "lokasi:\n" + "".join("  " * (i + 1) + f"n{i}:\n" for i in range(depth)) + "  x\n"


def _random_body(size: int) -> str:
    rng = random.Random(7)
    words = ["budi", "0812-3456-7890", "@", "a.b", ".go.id", "3201011203900001", "Rp1.000"]
    out: list[str] = []
    total = 0
    while total < size:
        word = rng.choice(words)
        out.append(word)
        total += len(word) + 1
    return " ".join(out)


#: name -> (the text, at most MAX_BYTES once encoded; the rule it must get, or None)
INPUTS: dict[str, tuple[Callable[[], str], str | None]] = {
    "billion-laughs": (lambda: item(_laughs(10)), "yaml.alias"),
    "billion-laughs-corpus": (lambda: (CORPUS / "alias-bomb.md").read_text("utf-8"), "yaml.alias"),
    "deep-flow": (lambda: item("x: " + "[" * 400_000 + "]" * 400_000 + "\n"), "yaml.too-deep"),
    "deep-flow-mappings": (lambda: item("x: " + "{a: " * 200_000 + "}" * 200_000 + "\n"),
                           "yaml.too-deep"),
    "deep-block": (lambda: item(_nested_block(600)), "yaml.too-deep"),
    "deep-sequence-dashes": (lambda: item("x:\n" + "- " * 300_000 + "x\n"), "yaml.too-deep"),
    "many-keys": (lambda: item("".join(f"k{i}: 1\n" for i in range(90_000))), "yaml.too-large"),
    "wide-flow-list": (lambda: item("x: [" + "1," * 450_000 + "1]\n"), "yaml.too-large"),
    "list-of-empty-lists": (lambda: item("x: [" + "[]," * 300_000 + "[]]\n"), "yaml.too-large"),
    "many-anchors": (lambda: item("".join(f"a{i}: &n{i} 1\n" for i in range(55_000))),
                     "yaml.too-large"),
    "block-list": (lambda: item("x:\n" + "- 1\n" * 250_000), "yaml.too-large"),
    # a scalar of 1 MB is read whole, in bounded time, then refused as too long a summary
    "long-scalar": (lambda: item("description: " + "a" * 1_000_000 + "\n"), "schema.too-long"),
    "newlines-only": (lambda: "---\n" + "\n" * 1_000_000 + "---\n\nIsi.\n", "front-matter.type"),
    "yaml-line-breaks": (lambda: item('description: "' + "a\u2028" * 250_000 + '"\n'),
                         "yaml.line-break"),
    "base64-body": (lambda: item(body=base64.b64encode(random.Random(1).randbytes(700_000))
                                 .decode()), None),
    "letters-body": (lambda: item(body="a" * 1_000_000), None),
    "digits-body": (lambda: item(body="1" * 1_000_000), None),
    "pii-dense-body": (lambda: item(body=_random_body(1_000_000)), "pii.nik"),
    "unclosed-front-matter": (lambda: "---\n" + "k: v\n" * 200_000, "front-matter.unclosed"),
}


def _work(path: Path) -> list[Finding]:
    loaded = load_item(path.parent, path.name)
    findings = list(loaded.findings)
    if loaded.item is not None:
        findings.extend(check_personal_data(loaded.item))
    return findings


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_hostile_input_is_handled_in_bounded_time_and_memory(tmp_path: Path, name: str) -> None:
    make, rule = INPUTS[name]
    data = make().encode("utf-8")
    assert len(data) <= MAX_BYTES, len(data)  # it must reach the parser
    path = tmp_path / "index.md"
    path.write_bytes(data)

    gc.collect()
    start = time.perf_counter()
    findings = _work(path)
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"{name} took {elapsed:.2f} s"

    gc.collect()
    tracemalloc.start()
    try:
        again = _work(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"{name} allocated {peak / 2**20:.1f} MiB at peak"

    assert again == findings
    rules = {f.rule for f in findings}
    if rule is None:
        assert not any(f.is_error for f in findings), findings[:3]
    else:
        assert rule in rules, sorted(rules)
