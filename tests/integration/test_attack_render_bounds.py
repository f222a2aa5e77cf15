"""What a body may make the gate do (found by an independent attack on its time and
memory). A pushed file whose records only claim approval (junk signatures) is never rendered;
a body a trusted key did sign is refused before Markdown builds what it would blow up into:
an abbreviation copied into 20,000 words (18 GB of HTML), a table padded to 3,000 columns
(3.6 GB), raw HTML nested 250,000 deep (the allowlist took 112 s). Real keys, real commits,
the CLI through its entry point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import pytest

from helpers import Repo, SignedRepos, copy_repo

ITEM = "content/berita/2026/jembatan/index.md"
FORGED = "content/berita/2026/palsu/index.md"


def _findings(repo: Repo, path: str) -> list[dict[str, str]]:
    result = repo.cli("--lang", "en", "validate", "--format", "json", "--no-cache")
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    item = next(i for i in data["items"] if i["path"] == path)
    return cast(list[dict[str, str]], item["findings"])


def test_a_file_that_only_claims_approval_is_not_rendered(
    signed_repo: SignedRepos, tmp_path: Path
) -> None:
    """Its body (12,000 '[', which Markdown needs more than the 10 s budget for) was
    rendered three times: 30 s of the gate per pushed file. Now its records do not verify,
    and nothing of it is rendered."""
    repo = copy_repo(signed_repo(), tmp_path / "repo")
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    text = repo.read(ITEM)
    forged = text.replace("jembatan", "palsu").replace("Jembatan", "Palsu")
    head, _sep, _body = forged.partition("\n---\n")
    sigs = [line for line in head.split("\n") if line.startswith("      ") and "SSH" not in line]
    assert sigs
    for line in sigs:  # every signature's bytes replaced: junk anyone can write
        head = head.replace(line, "      " + "A" * (len(line) - 6), 1)
    repo.write(FORGED, head + "\n---\n\n" + "[" * 12_000 + "\n")
    repo.commit_all("palsu")
    found = _findings(repo, FORGED)
    rules = {f["rule"] for f in found}
    assert any(r.startswith("signature") for r in rules), rules
    assert "body.too-complex" not in rules  # not rendered at all


@pytest.mark.parametrize(("body", "reason"), [
    ("*[A]: " + "x" * 900_000 + "\n\n" + "A " * 20_000 + "\n", "abbreviations would make"),
    # spelled as Python-Markdown also reads a definition: a space before the colon, in a quote
    ("A " * 2000 + "\n\n*[A] : " + "T" * 200_000 + "\n", "abbreviations would make"),
    ("A " * 2000 + "\n\n> *[A]: " + "T" * 200_000 + "\n", "abbreviations would make"),
    ("|" + "a|" * 3000 + "\n|" + "-|" * 3000 + "\n" + "|\n" * 3000, "tables would make"),
    # a table's rows need no '|': each is padded to the header's width all the same
    ("|" + "a|" * 1500 + "\n|" + "-|" * 1500 + "\n" + "x\n" * 1500, "tables would make"),
    ("<ul>" * 250_000 + "\n", "nests more than 5000 elements deep"),
    # '/>' on an element that is not void opens it all the same
    ("<div>" + "<div/>" * 170_000 + "\n", "nests more than 5000 elements deep"),
    # formatting left open is opened again in every later block
    ("<div><div>" + "".join(f'<b class="c{n}">' for n in range(600)) + "</div>"
     + "<div>x</div>" * 6000 + "</div>\n", "formatting elements are left open"),
])
def test_a_body_that_would_blow_up_is_refused_before_it_is_built(
    signed_repo: SignedRepos, tmp_path: Path, body: str, reason: str
) -> None:
    """A draft holding one of the attacks' bodies: ``warta sign`` renders it (as it renders
    every body it signs) and refuses it, naming why, before Markdown or the allowlist builds
    what it would blow up into."""
    repo = copy_repo(signed_repo(), tmp_path / "repo")
    path = repo.new_item("Bom Isi", at="2026-11-02T08:00:00+07:00", slug="bom")
    repo.sign(path, "sri", "2026-11-02T08:04:00+07:00")
    head, sep, _body = path.read_text(encoding="utf-8").partition("\n---\n")
    path.write_text(head + sep + "\n" + body, encoding="utf-8")
    repo.commit_all("bom")
    result = repo.cli("--lang", "en", "sign", str(path), "--key", str(repo.keys["dimas"]),
                      "--at", "2026-11-02T10:00:00+07:00")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    said = result.stdout + result.stderr
    assert "[body.too-complex]" in said and reason in said, said[-2000:]


def test_a_copy_of_an_approved_item_with_another_body_is_not_rendered(
    signed_repo: SignedRepos, tmp_path: Path
) -> None:
    """Its records verify, but they approved another text: its body (12,000 '[', over the
    10 s budget) is not rendered, so copies cannot spend the gate's time either."""
    repo = copy_repo(signed_repo(), tmp_path / "repo")
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    head, sep, _body = repo.read(ITEM).partition("\n---\n")
    repo.write(ITEM, head + sep + "\n" + "[" * 12_000 + "\n")
    repo.commit_all("salinan")
    rules = {f["rule"] for f in _findings(repo, ITEM)}
    assert "content.changed-after-approval" in rules, rules
    assert "body.too-complex" not in rules
