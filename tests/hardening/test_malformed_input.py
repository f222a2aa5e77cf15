"""Malformed input: every broken file gets its own finding (rule, line, expected and found),
none crashes the validator or any other command, none is publishable, and the valid items
beside them stay publishable.

The corpus lives in tests/hardening/corpus/ (one broken item per file); what cannot sensibly
be a data file (binary bytes, other encodings, huge files, symbolic links, a named pipe) is
made here at runtime. Everything goes into one real repository next to two approved items
(one of them converted to CRLF after approval), and ``warta validate`` runs once over all of
it through the installed entry point.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hardening.forge import APPROVAL, Forger, Policy, says_expected_and_found
from helpers import Repo, make_repo, warta_exe
from warta.adapters.items import load_item, parse_item
from warta.adapters.textfile import MAX_BYTES
from warta.model.item import content_digest

CORPUS = Path(__file__).parent / "corpus"
NEWS = "content/berita/2026"
OUTSIDE = "content/halaman"
JEMBATAN = "content/berita/2026/jembatan/index.md"
POSYANDU = "content/berita/2026/posyandu/index.md"  # converted to CRLF after approval


@dataclass(frozen=True)
class Case:
    rule: str
    line: int | None
    where: str = NEWS
    found: str = "found"  # how the message says what it found, if not in so many words


#: corpus file -> the finding it must get (line None: the finding is about the whole file)
CASES: dict[str, Case] = {
    # YAML syntax, each at its own position
    "yaml-unclosed-flow": Case("yaml.syntax", 7),
    "yaml-tab-indent": Case("yaml.syntax", 8),
    "yaml-unclosed-quote": Case("yaml.syntax", 11),
    "yaml-bad-indent": Case("yaml.syntax", 8),
    "yaml-colon-in-value": Case("yaml.syntax", 3),
    "yaml-undefined-alias": Case("yaml.syntax", 5),
    "yaml-stray-bracket": Case("yaml.syntax", 5),
    # what YAML allows and news items never need
    "yaml-python-tag": Case("yaml.tag", 5),
    "yaml-custom-tag": Case("yaml.tag", 4),
    "yaml-merge-key": Case("yaml.alias", 9),
    "yaml-non-text-key": Case("yaml.key", 9),
    "yaml-complex-key": Case("yaml.key", 9),
    "yaml-not-finite": Case("yaml.number", 9),
    "alias-bomb": Case("yaml.alias", 9),
    "alias-once": Case("yaml.alias", 5),
    "nested-flow": Case("yaml.too-deep", 9),
    "nested-block": Case("yaml.too-deep", 74),
    "nested-40": Case("yaml.too-deep", 9),
    # the shape of the file
    "empty": Case("front-matter.missing", 1),
    "blank": Case("front-matter.missing", 1),
    "no-front-matter": Case("front-matter.missing", 1),
    "unclosed-front-matter": Case("front-matter.unclosed", 1),
    "only-front-matter": Case("body.empty", 12),
    "front-matter-list": Case("front-matter.type", 2),
    "front-matter-string": Case("front-matter.type", 2),
    "front-matter-empty": Case("front-matter.type", 2),
    "duplicate-key": Case("yaml.duplicate-key", 9),
    "duplicate-key-signoff": Case("yaml.duplicate-key", 13),
    # dates and times
    "date-impossible": Case("date.format", 4),
    "date-words": Case("date.format", 4),
    "date-number": Case("schema.type", 4),
    "time-no-offset": Case("time.no-offset", 13),
    "time-not-a-time": Case("time.format", 13),
    "time-future": Case("time.future", 11),
    "date-offset": Case("date.range", 4),
    "date-far-future": Case("date.range", 4),
    # invisible characters, personal data hidden by them, YAML 1.1 numbers
    "text-bidi-title": Case("text.invisible", 3),
    "text-zero-width-body": Case("text.invisible", 14),  # a slug line is added above
    "pii-hidden-nik": Case("pii.nik", 14),
    "yaml-octal-title": Case("schema.type", 3),
    "yaml-number-huge": Case("yaml.number", 5),
    # ids and slugs that could escape a folder or pass for another
    "id-slash": Case("id.format", 2),
    "id-dotdot": Case("id.format", 2),
    "id-dots": Case("id.format", 2),
    "id-backslash": Case("id.format", 2),
    "id-space": Case("id.format", 2),
    "id-upper": Case("id.format", 2),
    "id-cyrillic": Case("id.format", 2),
    "id-number": Case("schema.type", 2),
    "slug-dotdot": Case("slug.format", 9),
    "slug-cyrillic": Case("slug.format", 9),
    "dup-id-b": Case("id.duplicate", 2),
    "dup-slug-b": Case("url.duplicate", 9),
    # a lead photo that would pull in another file, or that screen readers could not describe
    "image-escape": Case("image.src", 10),
    "image-list": Case("schema.type", 9),
    "image-alt-mapping": Case("schema.type", 11),
    "image-no-alt": Case("image.alt", 10),
    # workflow state nobody signed
    "status-unknown": Case("status.unknown", 9, found="'terbit'"),
    "status-claims-approved": Case("status.mismatch", 9),
    # a news item in the wrong place
    "stray-outside-news": Case("item.outside-news", 1, where=OUTSIDE),
}
#: the first of each duplicate pair: no finding of its own (the second one gets it)
FIRSTS = ("dup-id-a", "dup-slug-a")

#: made at runtime: name -> (finding, bytes or None for the special files made below)
RUNTIME: dict[str, Case] = {
    "non-utf8": Case("file.encoding", 13),
    "latin1-title": Case("file.encoding", 3),
    "binary-nul": Case("file.binary", 5),
    "png-named-md": Case("file.binary", 3),
    "oversize": Case("file.too-large", None),
    "control-char": Case("yaml.syntax", 3),
    "nel-then-duplicate": Case("yaml.line-break", 5),
    "many-values": Case("yaml.too-large", 10_001),
    "deep-huge": Case("yaml.too-deep", 2),
    "symlink-outside": Case("file.symlink", None),
    "symlink-loop": Case("file.symlink", None),
    "symlink-dangling": Case("file.symlink", None),
    "symlink-to-pipe": Case("file.symlink", None),
    "symlink-to-folder": Case("file.symlink", None),
    "pipe": Case("file.unreadable", None),
    "copy-of-approved": Case("id.duplicate", 2),
    "copy-outside-news": Case("item.outside-news", 1, where=OUTSIDE),
    "link-into-news": Case("site.symlink", None, where=OUTSIDE),
}
#: positions (file lines) where a broken line is inserted into an otherwise valid item
POSITIONS = range(2, 11)


#: files whose front-matter is no mapping, or breaks before its end: nothing to add a slug to
SLUGLESS = frozenset({"front-matter-list", "front-matter-string", "yaml-unclosed-quote"})


def corpus_text(name: str) -> str:
    """A corpus file; one that names no slug gets its own (its folder's name) as the last
    front-matter line, so that only the defect it was made for is wrong with it."""
    text = (CORPUS / f"{name}.md").read_text(encoding="utf-8")
    if "\nslug:" in text or name in SLUGLESS or "\n---\n" not in text[3:]:
        return text
    head, sep, body = text[4:].partition("\n---\n")
    return f"---\n{head}\nslug: {name}{sep}{body}"


def valid_text(item_id: str, slug: str = "dup-id-a") -> str:
    """A valid, unsigned item (the corpus's own template), with ``slug``."""
    return corpus_text("dup-id-a").replace("korpus-kembar", item_id).replace(
        "slug: dup-id-a", f"slug: {slug}"
    )


def position_variant(line: int) -> str:
    """A valid item with 'judul: a: b' (a mapping value YAML refuses) at file line ``line``."""
    rows = valid_text(f"korpus-posisi-{line}", f"posisi-{line}").split("\n")
    rows.insert(line - 1, "judul: a: b")
    return "\n".join(rows)


def rel(name: str, where: str = NEWS) -> str:
    """Items each in their own folder under content/berita/2026/; pages outside as files."""
    return f"{where}/{name}/index.md" if where == NEWS else f"{where}/{name}.md"


def runtime_files(repo: Repo, outside: Path) -> None:
    """The files that are better made than stored."""
    base = valid_text("korpus-runtime", "runtime").encode("utf-8")
    lines = base.split(b"\n")

    def with_line(number: int, new: bytes) -> bytes:
        out = list(lines)
        out[number - 1] = new
        return b"\n".join(out)

    repo.write(rel("non-utf8"), with_line(13, b"SUKAMAJU \xff\xfe bukan UTF-8."))
    repo.write(rel("latin1-title"), with_line(3, "title: Caf\u00e9 Desa".encode("latin-1")))
    repo.write(rel("binary-nul"), with_line(5, b"description: \x00\x01\x02"))
    repo.write(rel("png-named-md"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(256))
    repo.write(rel("oversize"), base + b"A" * (MAX_BYTES + 1 - len(base)))
    repo.write(rel("control-char"), with_line(3, b"title: Bupati \x07 Resmikan"))
    # NEL (U+0085) is a line break to YAML but not to the file: refused on the file's line
    nel = with_line(5, 'description: "Jembatan\u0085gantung baru."'.encode())
    twice = nel.replace(b"status: usulan\n", b"title: lagi\nstatus: usulan\n")
    repo.write(rel("nel-then-duplicate"), twice)
    many = "".join(f"k{i}: 1\n" for i in range(90_000))  # under MAX_BYTES
    repo.write(rel("many-values"), f"---\n{many}---\n\nIsi.\n")
    repo.write(rel("deep-huge"), "---\nx: " + "[" * 300_000 + "]" * 300_000 + "\n---\n\nIsi.\n")
    (outside / "luar.md").write_text(valid_text("korpus-luar"), encoding="utf-8")

    def place(name: str) -> Path:
        target = repo.path(rel(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    place("symlink-outside").symlink_to(outside / "luar.md")
    place("symlink-loop").symlink_to(repo.path(rel("symlink-loop")))
    place("symlink-dangling").symlink_to(repo.path(NEWS) / "does-not-exist.md")
    os.mkfifo(repo.path("pipa"))
    place("symlink-to-pipe").symlink_to(repo.path("pipa"))
    os.mkfifo(place("pipe"))
    repo.path("folder.md").mkdir()
    place("symlink-to-folder").symlink_to(repo.path("folder.md"))
    shutil.copy(repo.path(JEMBATAN), place("copy-of-approved"))
    repo.write(rel("copy-outside-news", OUTSIDE), repo.read(JEMBATAN))
    repo.path(rel("link-into-news", OUTSIDE)).symlink_to(repo.path(JEMBATAN))


@dataclass
class Corpus:
    repo: Repo
    result: subprocess.CompletedProcess[str]
    data: dict[str, Any]
    placed: list[str]

    def verdict(self, path: str) -> dict[str, Any]:
        """The verdict on a file: an item's, or (outside the news) a site file's."""
        found = [v for v in self.data["items"] + self.data["site"] if v["path"] == path]
        assert len(found) == 1, (path, [v["path"] for v in self.data["items"]])
        return found[0]


def run(repo: Repo, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed entry point, with a timeout that a hang would hit."""
    env = {**os.environ, **repo.env}
    return subprocess.run([warta_exe(), *args], cwd=repo.root, capture_output=True, text=True,
                          env=env, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Corpus:
    top = tmp_path_factory.mktemp("corpus")
    repo = make_repo(top / "repo", keys)
    repo.approved_item("Bupati Resmikan Jembatan Gantung Cibening", slug="jembatan")
    repo.approved_item("Posyandu Karangsari Turunkan Angka Stunting", slug="posyandu")
    crlf = repo.path(POSYANDU).read_bytes().replace(b"\n", b"\r\n")
    repo.path(POSYANDU).write_bytes(crlf)
    placed = []
    for name, case in CASES.items():
        repo.write(rel(name, case.where), corpus_text(name))
        placed.append(rel(name, case.where))
    for name in FIRSTS:
        repo.write(rel(name), corpus_text(name))
        placed.append(rel(name))
    for line in POSITIONS:
        repo.write(rel(f"posisi-{line}"), position_variant(line))
        placed.append(rel(f"posisi-{line}"))
    outside = top / "outside"
    outside.mkdir()
    runtime_files(repo, outside)
    placed += [rel(name, case.where) for name, case in RUNTIME.items()]
    result = run(repo, "validate", "--format", "json")
    return Corpus(repo, result, json.loads(result.stdout), placed)


def test_validate_reports_findings_and_does_not_crash(corpus: Corpus) -> None:
    assert corpus.result.returncode == 1, corpus.result.stderr
    assert "Traceback" not in corpus.result.stderr
    assert corpus.result.stderr == ""
    paths = {v["path"] for v in corpus.data["items"] + corpus.data["site"]}
    assert set(corpus.placed) <= paths
    assert {p for p in paths - set(corpus.placed) if "berita" in p} == {JEMBATAN, POSYANDU}


def test_valid_items_beside_the_corpus_stay_publishable(corpus: Corpus) -> None:
    for path in (JEMBATAN, POSYANDU):
        verdict = corpus.verdict(path)
        assert verdict["publishable"] is True, verdict
        assert [f for f in verdict["findings"] if f["severity"] == "error"] == []
    assert corpus.data["summary"]["publishable"] == 2


def test_crlf_after_approval_keeps_the_content_digest(corpus: Corpus) -> None:
    path = corpus.repo.path(POSYANDU)
    assert b"\r\n" in path.read_bytes()
    loaded = load_item(corpus.repo.root, POSYANDU)
    assert loaded.item is not None and loaded.findings == []
    approval = next(s for s in loaded.item.signoffs if s.step == "pengesahan")
    assert content_digest(loaded.item.fields, loaded.item.body) == approval.content
    verify = run(corpus.repo, "verify", POSYANDU)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.startswith("OK ")


ALL = {**CASES, **RUNTIME}


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_broken_file_gets_its_own_finding(corpus: Corpus, name: str) -> None:
    case = ALL[name]
    verdict = corpus.verdict(rel(name, case.where))
    assert verdict["publishable"] is False
    matching = [f for f in verdict["findings"] if f["rule"] == case.rule]
    assert matching, verdict["findings"]
    finding = matching[0]
    assert finding["severity"] == "error"
    assert finding["line"] == case.line, finding
    if case.found == "found":
        assert says_expected_and_found(finding["message"]), finding["message"]
    else:
        assert re.search(r"\b(expected|must)\b", finding["message"]), finding["message"]
        assert case.found in finding["message"]


@pytest.mark.parametrize("name", FIRSTS)
def test_first_of_a_duplicate_pair_is_not_blamed(corpus: Corpus, name: str) -> None:
    verdict = corpus.verdict(rel(name))
    assert verdict["findings"] == []
    assert verdict["publishable"] is False  # unsigned, like every corpus item


@pytest.mark.parametrize("line", POSITIONS)
def test_yaml_error_is_reported_at_its_own_line(corpus: Corpus, line: int) -> None:
    verdict = corpus.verdict(rel(f"posisi-{line}"))
    assert [(f["rule"], f["line"]) for f in verdict["findings"]] == [("yaml.syntax", line)]
    message = verdict["findings"][0]["message"]
    assert "found 'judul: a: b'" in message and "expected valid YAML" in message
    assert verdict["publishable"] is False


def test_messages_of_special_files_say_what_was_found(corpus: Corpus) -> None:
    def message(name: str) -> str:
        case = ALL[name]
        return next(f["message"] for f in corpus.verdict(rel(name, case.where))["findings"]
                    if f["rule"] == case.rule)

    assert message("pipe") == "expected a regular file, found a named pipe"
    for name in ("symlink-to-pipe", "symlink-to-folder", "symlink-dangling", "symlink-loop",
                 "symlink-outside"):  # a link is refused as a link, whatever it leads to
        assert message(name).startswith("expected a regular file, found a symbolic link (to ")
        assert message(name).endswith("nothing is read through a link")
    assert "luar.md" in message("symlink-outside")
    assert message("oversize") == (
        f"expected a file of at most {MAX_BYTES} bytes, found {MAX_BYTES + 1} bytes")
    assert "found byte 0xff" in message("non-utf8")


@pytest.mark.parametrize("name", ["bom", "mixed-endings"])
def test_encoding_quirks_are_warnings_and_strict_blocks(repo: Repo, name: str) -> None:
    """A BOM or mixed line endings added to an approved item do not change what was signed
    (the reader ignores the BOM and reads LF), so they warn; --strict refuses them."""
    path = repo.approved_item("Bazar UMKM Sukamaju Kota", slug="bazar")
    raw = path.read_bytes()
    if name == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + raw)
        rule = "file.bom"
    else:
        head, _, tail = raw.partition(b"\nsignoffs:")
        path.write_bytes(head.replace(b"\n", b"\r\n") + b"\nsignoffs:" + tail)
        rule = "file.line-endings"
    (verdict,) = repo.validate_json()["items"]
    assert [(f["rule"], f["severity"]) for f in verdict["findings"]] == [(rule, "warning")]
    assert says_expected_and_found(verdict["findings"][0]["message"])
    assert verdict["publishable"] is True
    (strict,) = repo.validate_json("--strict")["items"]
    assert strict["publishable"] is False
    assert run(repo, "validate", "--strict").returncode == 1


# ---- the same defects, behind a perfect signature chain ------------------------------------

#: parseable corpus items that get a full, valid approval chain (signed without Warta's checks)
SIGNED = ("id-slash", "id-dotdot", "id-dots", "id-backslash", "id-space", "id-upper",
          "id-cyrillic", "id-number", "slug-dotdot", "slug-cyrillic", "date-impossible",
          "date-words", "date-number", "only-front-matter", "stray-outside-news", "dup-id-b",
          "dup-slug-b", "image-escape", "image-list", "image-alt-mapping", "image-no-alt")


def test_defects_block_publication_even_when_every_signature_verifies(
    repo: Repo, forger: Forger, policy: Policy
) -> None:
    for name in (*SIGNED, *FIRSTS):
        where = CASES[name].where if name in CASES else NEWS
        repo.write(rel(name, where), forger.sign_chain(corpus_text(name), policy=policy))
    future = forger.sign_chain(corpus_text("time-future"), APPROVAL, day="2099-11-02",
                               policy=policy)
    repo.write(rel("time-future"), future)
    naive = forger.sign_chain(corpus_text("time-no-offset"), policy=policy,
                              raw_at={0: "2026-11-02T08:00:00"})
    repo.write(rel("time-no-offset"), naive)
    data = repo.validate_json()
    verdicts = {v["path"]: v for v in data["items"] + data["site"]}
    for name in FIRSTS:  # the control: the same forging makes a clean item publishable
        assert verdicts[rel(name)]["publishable"] is True, verdicts[rel(name)]
    for name in (*SIGNED, "time-future", "time-no-offset"):
        case = CASES[name]
        verdict = verdicts[rel(name, case.where)]
        assert verdict["publishable"] is False, name
        assert case.rule in {f["rule"] for f in verdict["findings"]}, (name, verdict)
        if name != "time-no-offset":  # its unreadable first signoff is dropped: chain broken
            signature_rules = {f["rule"] for f in verdict["findings"]
                               if f["rule"].startswith("signature.")}
            assert signature_rules == set(), (name, signature_rules)


# ---- every other command meets the corpus without crashing ---------------------------------

COMMAND_TARGETS = ("alias-bomb", "many-values", "non-utf8", "binary-nul", "oversize",
                   "front-matter-list", "symlink-to-pipe", "id-dotdot", "only-front-matter")
ACTION_TARGETS = ("alias-bomb", "oversize", "symlink-to-pipe", "only-front-matter")


def test_other_commands_refuse_broken_files_cleanly(corpus: Corpus) -> None:
    repo = corpus.repo
    before = {p: repo.path(p).read_bytes() for p in (JEMBATAN, POSYANDU)}
    head = repo.git("rev-parse", "HEAD")
    env = {**os.environ, **repo.env}
    shows = [("status",)] + [(command, rel(name, ALL[name].where))
                             for name in COMMAND_TARGETS for command in ("verify", "log")]
    running = [(args, subprocess.Popen([warta_exe(), *args], cwd=repo.root, env=env, text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE))
               for args in shows]
    for args, process in running:
        out, err = process.communicate(timeout=120)
        codes = {"status": (0,), "verify": (1, 2), "log": (0, 2)}[args[0]]  # log only shows
        assert process.returncode in codes, (args, out, err)
        assert "Traceback" not in err, (args, err)
    for name in ACTION_TARGETS:  # one at a time: actions take the repository's lock
        target = rel(name, ALL[name].where)
        for args in (("sign", target, "--key", str(repo.keys["sri"]), "--no-commit"),
                     ("return", target, "--to", "laporan", "--reason", "uji",
                      "--key", str(repo.keys["hendra"]), "--no-commit"),
                     ("withdraw", target, "--reason", "uji", "--key", str(repo.keys["hendra"]),
                      "--no-commit")):
            result = run(repo, *args)
            assert result.returncode in (1, 2), (args, result.stdout, result.stderr)
            assert "Traceback" not in result.stderr, (args, result.stderr)
            assert result.stderr.startswith("warta: "), result.stderr
            assert "another warta action" not in result.stderr
    assert {p: repo.path(p).read_bytes() for p in before} == before
    assert repo.git("rev-parse", "HEAD") == head
    assert parse_item(corpus_text("alias-bomb"), "x").item is None
