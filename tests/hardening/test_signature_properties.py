"""Property-based tests: whatever is done to an item's text or its signoffs, the validator
never raises, and it calls an item publishable only if an independent oracle (hardening/
forge.py: its own YAML reading, sshsig verification, the SOP and roster restated) agrees that
the content is exactly what was approved and every signature in the chain verifies, by the
right person, for the right step.

Real items are signed once per module (real ssh-keygen keys, real git); hypothesis then
mutates their text, or drives sequences of editorial actions, genuine and forged.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hardening.forge import WIB, Forger, Policy, oracle
from helpers import Repo, make_repo
from warta import actions
from warta.adapters.items import parse_item
from warta.adapters.rewrite import rewrite_workflow
from warta.adapters.textfile import decode
from warta.errors import WartaError
from warta.model.item import Signoff, content_digest
from warta.model.signing import chain_digest
from warta.repository import Repository as Project
from warta.validate import Verdict, validate

PEOPLE = ("hendra", "sri", "dimas", "ayu", "agus", "mallory", "admin", "nobody")
SIGNERS = ("hendra", "sri", "dimas", "ayu", "agus", "mallory")  # people with keys
FAST = settings(max_examples=400, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
SIGNING = settings(max_examples=80, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])


@dataclass
class Newsroom:
    repo: Repo
    project: Project
    texts: dict[str, str]  # path -> text of a real, signed item
    public: dict[str, str]

    def judge(self, path: str, raw: bytes) -> tuple[Verdict, str | None]:
        """The validator's verdict on ``raw`` as the file at ``path`` (never raises, by the
        property), and the text it read."""
        read = decode(raw, path)
        if read.text is None:
            entry: tuple[str, Any, Any] = (path, None, read.findings)
        else:
            loaded = parse_item(read.text, path)
            entry = (path, loaded.item, [*read.findings, *loaded.findings])
        report = validate([entry], self.project.context,
                          workflow_findings=self.project.policy.workflow_findings)
        (verdict,) = report.verdicts
        return verdict, read.text

    def check(self, path: str, raw: bytes, policy: Policy) -> Verdict:
        verdict, text = self.judge(path, raw)
        if verdict.publishable:
            assert text is not None
            why = oracle(text, self.public, self.project.context.now, policy)
            assert why is None, f"validator published what the oracle refuses: {why}\n{text}"
        return verdict


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path],
             forger: Forger) -> Newsroom:
    repo = make_repo(tmp_path_factory.mktemp("props") / "repo", keys)
    approved = repo.approved_item("Bupati Resmikan Jembatan Gantung Cibening", slug="jembatan")
    compiled = repo.approved_item("Posyandu Karangsari Turunkan Stunting", slug="posyandu",
                                  body="SUKAMAJU – Posyandu.\n\nDua paragraf, *markdown*.\n")
    repo.sign(compiled, "sri", "2026-11-02T10:30:00+07:00")
    noted = repo.new_item("Bazar UMKM Sukamaju Kota", at="2026-11-03T08:00:00+07:00",
                          slug="bazar")
    repo.sign(noted, "sri", "2026-11-03T08:04:00+07:00", note="liputan bersama Diskominfo")
    repo.sign(noted, "ayu", "2026-11-03T09:00:00+07:00")
    repo.sign(noted, "sri", "2026-11-03T09:04:00+07:00")
    repo.sign(noted, "hendra", "2026-11-03T09:08:00+07:00", note="setuju, terbitkan")
    partial = repo.new_item("Panen Cabai Pasirlaya", at="2026-11-04T08:00:00+07:00",
                            slug="cabai")
    repo.sign(partial, "sri", "2026-11-04T08:04:00+07:00")
    repo.sign(partial, "dimas", "2026-11-04T09:00:00+07:00")
    texts = {p.relative_to(repo.root).as_posix(): p.read_text(encoding="utf-8")
             for p in (approved, compiled, noted, partial)}
    public = {who: forger.public(who) for who in SIGNERS}
    return Newsroom(repo, repo.project(), texts, public)


PUBLISHED = ("jembatan", "posyandu", "bazar")


def path_of(newsroom: Newsroom, slug: str) -> str:
    return next(p for p in newsroom.texts if f"/{slug}/" in p)


def test_the_signed_items_are_publishable_and_the_oracle_agrees(newsroom: Newsroom,
                                                                policy: Policy) -> None:
    for path, text in newsroom.texts.items():
        verdict, _ = newsroom.judge(path, text.encode())
        published = any(f"/{slug}/" in path for slug in PUBLISHED)
        assert verdict.publishable is published, (path, verdict.findings)
        why = oracle(text, newsroom.public, newsroom.project.context.now, policy)
        assert (why is None) is published, (path, why)


# ---- neutral edits: still publishable (so the properties below are not vacuous) ----------


def move_workflow_up(text: str) -> str:
    head, _, rest = text.partition("status: ")
    workflow, _, body = rest.partition("\n---\n")
    return head.replace("title: ", f"status: {workflow}\ntitle: ", 1) + "---\n" + body


NEUTRAL: dict[str, Callable[[str], str]] = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "bom": lambda t: "\ufeff" + t,
    "yaml comment": lambda t: t.replace("\nstatus:", "\n# catatan redaksi\nstatus:", 1),
    "quoted title": lambda t: re.sub(r"^title: (.*)$", lambda m: f"title: '{m.group(1)}'", t,
                                     count=1, flags=re.M),
    "keys reordered": lambda t: re.sub(r"^(date: .*\n)(description: .*\n)", r"\2\1", t,
                                       count=1, flags=re.M),
    "flow categories": lambda t: re.sub(r"^categories:\n- (.*)\n- (.*)\n",
                                        r"categories: [\1, \2]\n", t, count=1, flags=re.M),
    "signoffs block moved up": move_workflow_up,
}


@pytest.mark.parametrize("edit", sorted(NEUTRAL))
def test_neutral_edits_keep_an_item_publishable(newsroom: Newsroom, policy: Policy,
                                                edit: str) -> None:
    path = path_of(newsroom, "jembatan")
    raw = NEUTRAL[edit](newsroom.texts[path]).encode()
    assert raw != newsroom.texts[path].encode()
    verdict = newsroom.check(path, raw, policy)
    assert verdict.publishable, [f.message for f in verdict.findings]


# ---- mutations of the text ---------------------------------------------------------------


def split_signoffs(text: str) -> tuple[list[str], list[list[str]], list[str]]:
    """(lines before the first signoff, each signoff's lines, the rest)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("signoffs:")) + 1
    end = lines.index("---", start)
    blocks: list[list[str]] = []
    for line in lines[start:end]:
        if line.startswith("  - ") or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return lines[:start], blocks, lines[end:]


def join(head: list[str], blocks: list[list[str]], tail: list[str]) -> str:
    return "\n".join([*head, *(line for block in blocks for line in block), *tail])


VALUE = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + " -:+./'\"#[]{}&*!|>@", max_size=24),
    st.sampled_from(["hendra", "sri", "dimas", "mallory", "disetujui", "pengesahan",
                     "2026-11-02T10:08:00+07:00", "2026-11-02T10:08:00", "2099-01-01T00:00:00Z",
                     "null", "true", "''", "[]", "{}", "~", "&a x", "*a", "!!str x"]),
)
INDEX = st.integers(min_value=0, max_value=10_000)
OPS = st.one_of(
    st.tuples(st.just("delete"), INDEX),
    st.tuples(st.just("duplicate"), INDEX),
    st.tuples(st.just("swap-lines"), INDEX, INDEX),
    st.tuples(st.just("edit-value"), INDEX, VALUE),
    st.tuples(st.just("insert"), INDEX, VALUE),
    st.tuples(st.just("flip-byte"), INDEX, st.integers(min_value=1, max_value=255)),
    st.tuples(st.just("swap-signoffs"), INDEX, INDEX),
    st.tuples(st.just("drop-signoff"), INDEX),
    st.tuples(st.just("repeat-signoff"), INDEX),
    st.tuples(st.just("swap-sigs"), INDEX, INDEX),
    st.tuples(st.just("graft-signoff"), INDEX, INDEX),
    st.tuples(st.just("set-field"), st.sampled_from(["by", "step", "at", "content"]), INDEX,
              VALUE),
)


def _sig_span(block: list[str]) -> tuple[int, int]:
    start = next((i for i, line in enumerate(block) if line.startswith("    sig:")), len(block))
    return start, len(block)


LINE_OPS = ("delete", "duplicate", "swap-lines", "edit-value", "insert")


def _mutate_lines(text: str, op: tuple[Any, ...]) -> str:
    kind, lines = op[0], text.split("\n")
    if kind == "delete":
        del lines[op[1] % len(lines)]
    elif kind == "duplicate":
        i = op[1] % len(lines)
        lines.insert(i, lines[i])
    elif kind == "swap-lines":
        i, j = op[1] % len(lines), op[2] % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "edit-value":
        i = op[1] % len(lines)
        key, sep, _ = lines[i].partition(": ")
        lines[i] = f"{key}{sep}{op[2]}" if sep else op[2]
    elif kind == "insert":
        lines.insert(op[1] % (len(lines) + 1), op[2])
    return "\n".join(lines)


def _mutate_signoffs(text: str, op: tuple[Any, ...], donors: list[str]) -> str:
    try:
        head, blocks, tail = split_signoffs(text)
    except (StopIteration, ValueError):
        return text  # earlier mutations broke the layout: nothing to do signoff-wise
    if not blocks:
        return text
    kind = op[0]
    if kind == "swap-signoffs":
        i, j = op[1] % len(blocks), op[2] % len(blocks)
        blocks[i], blocks[j] = blocks[j], blocks[i]
    elif kind == "drop-signoff":
        del blocks[op[1] % len(blocks)]
    elif kind == "repeat-signoff":
        i = op[1] % len(blocks)
        blocks.insert(i, list(blocks[i]))
    elif kind == "swap-sigs":
        i, j = op[1] % len(blocks), op[2] % len(blocks)
        (a0, a1), (b0, b1) = _sig_span(blocks[i]), _sig_span(blocks[j])
        sig_a, sig_b = blocks[i][a0:a1], blocks[j][b0:b1]
        blocks[i] = blocks[i][:a0] + sig_b
        blocks[j] = blocks[j][:b0] + sig_a
    elif kind == "graft-signoff":
        _, others, _ = split_signoffs(donors[op[2] % len(donors)])
        blocks.insert(op[1] % len(blocks), list(others[op[1] % len(others)]))
    elif kind == "set-field":
        field = op[1]
        block = blocks[op[2] % len(blocks)]
        for n, line in enumerate(block):
            if line.lstrip(" -").startswith(f"{field}:"):
                block[n] = line[: line.index(f"{field}:")] + f"{field}: {op[3]}"
                break
    return join(head, blocks, tail)


def mutate(text: str, ops: list[tuple[Any, ...]], donors: list[str]) -> bytes:
    """``text`` after ``ops`` (line edits, signoff surgery), then with bytes flipped."""
    flips: list[tuple[int, int]] = []
    for op in ops:
        if op[0] == "flip-byte":
            flips.append((op[1], op[2]))
        elif op[0] in LINE_OPS:
            text = _mutate_lines(text, op)
        else:
            text = _mutate_signoffs(text, op, donors)
    raw = bytearray(text.encode("utf-8"))
    for position, mask in flips:
        if raw:
            raw[position % len(raw)] ^= mask
    return bytes(raw)


@FAST
@given(slug=st.sampled_from(["jembatan", "posyandu", "bazar", "cabai"]),
       ops=st.lists(OPS, min_size=1, max_size=4))
def test_mutated_items_are_published_only_if_the_oracle_agrees(
    newsroom: Newsroom, policy: Policy, slug: str, ops: list[tuple[Any, ...]]
) -> None:
    path = path_of(newsroom, slug)
    donors = [t for p, t in newsroom.texts.items() if p != path]
    raw = mutate(newsroom.texts[path], ops, donors)
    verdict = newsroom.check(path, raw, policy)
    event(f"publishable: {verdict.publishable}")
    if verdict.publishable:
        # the strongest form of the property: what is published is what was approved
        text = decode(raw, path).text
        assert text is not None
        item = parse_item(text, path).item
        assert item is not None
        approval = next(s for s in item.signoffs if s.step == policy.gate)
        original = parse_item(newsroom.texts[path], path).item
        assert original is not None
        assert content_digest(item.fields, item.body) == approval.content == next(
            s.content for s in original.signoffs if s.step == policy.gate)


# ---- random front-matter and bodies --------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
KEYS = st.one_of(st.sampled_from(["id", "title", "date", "description", "categories", "tags",
                                  "slug", "image", "pii_ack", "status", "approved_by",
                                  "signoffs"]),
                 st.text(max_size=10))
SIGNOFF = st.fixed_dictionaries({
    "step": st.sampled_from(["disposisi", "perintah", "penulisan", "laporan", "pengesahan",
                             "kompilasi", "terbit"]),
    "by": st.sampled_from(PEOPLE),
    "at": st.sampled_from(["2026-11-02T08:00:00+07:00", "2026-11-02T08:00:00", "kemarin",
                           "2026-11-02T10:08:00+07:00", "9999-12-31T23:59:59+14:00"]),
}, optional={"sig": st.text(max_size=40), "content": st.text(max_size=20),
             "note": VALUES})


@FAST
@given(front=st.dictionaries(KEYS, VALUES, max_size=10),
       signoffs=st.lists(SIGNOFF, max_size=7), body=st.text(max_size=200))
def test_random_front_matter_never_crashes_and_is_never_published(
    newsroom: Newsroom, policy: Policy, front: dict[str, Any], signoffs: list[Any], body: str
) -> None:
    front = {**front, "signoffs": signoffs}
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    path = "content/berita/2026/acak/index.md"
    verdict = newsroom.check(path, text.encode("utf-8"), policy)
    assert not verdict.publishable  # nobody signed it


@settings(max_examples=500, deadline=None, database=None)
@given(text=st.text())
def test_parse_item_never_raises_on_any_text(text: str) -> None:
    loaded = parse_item(text, "x.md")
    assert loaded.item is not None or loaded.findings


TOKENS = ["---\n", "...\n", "\n", "  ", "- ", ": ", "id", "title", "status", "signoffs",
          "step", "by", "at", "sig", "[", "]", "{", "}", ",", "'", '"', "&a ", "*a", "!!str ",
          "!x ", "<<", "? ", "|\n", ">\n", "#", "\t", "\r", "\x85", "\u2028", "\ufeff", "%YAML",
          "2026-11-02", "1e999", ".nan", "0x1F", "~", "null", "yes", "é", "\x00", "\x07"]


@settings(max_examples=500, deadline=None, database=None)
@given(parts=st.lists(st.sampled_from(TOKENS), max_size=60))
def test_parse_item_never_raises_on_yaml_like_soup(parts: list[str]) -> None:
    text = "---\n" + "".join(parts)
    loaded = parse_item(text, "x.md")
    assert loaded.item is not None or loaded.findings


# ---- sequences of editorial actions, genuine and forged -----------------------------------


class CachingSigner:
    """What actions.sign_text needs of a signer, remembering signatures (ssh-keygen is slow)."""

    def __init__(self, forger: Forger, who: str) -> None:
        self.forger, self.who = forger, who
        self.public_key = forger.public(who)

    def sign(self, message: bytes, namespace: str) -> str:
        assert namespace == "warta"
        return self.forger.sign(self.who, message) + "\n"


#: who signs each step when nobody misbehaves
PROPER = ("hendra", "sri", "ayu", "sri", "hendra", "sri")
# forged signoffs, mostly well-formed (own key, current content, chained) but by the wrong
# person or for the wrong step: the cases only policy checks can catch
FORGE = st.tuples(st.just("forge"), st.sampled_from(PEOPLE[:6]),
                  st.sampled_from(("self",) * 4 + SIGNERS),
                  st.sampled_from(["next", "next", "gate", "same", "skip"]),
                  st.sampled_from(["current", "current", "current", "stale", "other"]),
                  st.sampled_from(["chain", "chain", "chain", "none", "other"]),
                  st.integers(-60, 600))
ACTIONS = st.one_of(
    st.tuples(st.just("sign"), st.sampled_from(SIGNERS), st.integers(0, 600)),
    st.tuples(st.just("sign"), st.just("proper"), st.integers(0, 600)),
    st.tuples(st.just("sign"), st.just("proper"), st.integers(0, 600)),
    FORGE,
    FORGE,
    FORGE,
    st.tuples(st.just("edit"), st.sampled_from(["title", "body", "description"]),
              st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=12)),
    st.tuples(st.just("drop"), INDEX),
    st.tuples(st.just("swap"), INDEX, INDEX),
    st.tuples(st.just("copy-sig"), INDEX, INDEX),
    st.tuples(st.just("claim"), st.sampled_from(PEOPLE),
              st.sampled_from(["usulan", "disetujui", "dicetak"])),
)


def _signoffs(text: str) -> list[Signoff] | None:
    item = parse_item(text, "x.md").item
    if item is None or not item.signoffs_readable:
        return None
    return list(item.signoffs)


def _rewrite(text: str, signoffs: list[Signoff], policy: Policy,
             approved_by: str | None = None, status: str | None = None) -> str:
    last = signoffs[-1].step if signoffs else None
    status = status or (policy.statuses.get(last, "usulan") if last else policy.initial)
    if approved_by is None:
        approved_by = next((s.by for s in signoffs if s.step == policy.gate), None)
    return rewrite_workflow(text, status=status, approved_by=approved_by, signoffs=signoffs)


def act(text: str, action: tuple[Any, ...], *, project: Project, forger: Forger,
        policy: Policy, clock: list[datetime], donor: str) -> str:
    """``text`` after ``action`` (unchanged if a genuine action is refused)."""
    kind = action[0]
    if kind == "sign":
        clock[0] += timedelta(minutes=action[2])
        who = action[1]
        if who == "proper":
            done = _signoffs(text)
            who = PROPER[min(len(done), len(PROPER) - 1)] if done is not None else "sri"
        try:
            new, *_ = actions.sign_text(project, "content/berita/2026/baru/index.md", text,
                                        CachingSigner(forger, who),  # type: ignore[arg-type]
                                        now=clock[0])
        except WartaError:
            return text
        return new
    if kind == "edit":
        field, value = action[1], action[2]
        if field == "body":
            head, sep, body = text.rpartition("\n---\n")
            return f"{head}{sep}{body}{value}\n"
        return re.sub(rf"^{field}: .*$", f"{field}: {value}", text, count=1, flags=re.M)
    signoffs = _signoffs(text)
    if signoffs is None:
        return text
    if kind == "forge":
        _, claimed, key_of, which, content_kind, prev_kind, minutes = action
        clock[0] += timedelta(minutes=minutes)
        index = len(signoffs)
        step = {"next": policy.steps[min(index, len(policy.steps) - 1)], "gate": policy.gate,
                "same": signoffs[-1].step if signoffs else policy.steps[0],
                "skip": policy.steps[min(index + 1, len(policy.steps) - 1)]}[which]
        item = parse_item(text, "x.md").item
        assert item is not None
        current = content_digest(item.fields, item.body)
        content = {"current": current, "stale": signoffs[-1].content if signoffs else current,
                   "other": "sha256:" + "0" * 64}[content_kind]
        chain = chain_digest(signoffs[-1].sig) if signoffs and signoffs[-1].sig else None
        prev = {"chain": chain, "none": None, "other": chain_digest(donor)}[prev_kind]
        forged = forger.signoff(str(item.fields.get("id")), step=step, by=claimed,
                                at=clock[0].astimezone(WIB), content=content or current,
                                prev=prev, key_of=claimed if key_of == "self" else key_of)
        return _rewrite(text, [*signoffs, forged], policy)
    if kind == "claim":
        return _rewrite(text, signoffs, policy, approved_by=action[1], status=action[2])
    if not signoffs:
        return text
    i, j = action[1] % len(signoffs), action[-1] % len(signoffs)
    if kind == "drop":
        del signoffs[i]
    elif kind == "swap":
        signoffs[i], signoffs[j] = signoffs[j], signoffs[i]
    elif kind == "copy-sig":
        s = signoffs[j]
        signoffs[j] = Signoff(s.step, s.by, s.at, None, signoffs[i].sig, s.content, s.note)
    return _rewrite(text, signoffs, policy)


@pytest.fixture(scope="module")
def fresh() -> str:
    """A new item's text with nothing signed (as `warta new` writes it before step 1)."""
    from warta.adapters import newitem

    return newitem.skeleton("20261105-baru", title="Festival Situ Cibening", slug="baru",
                            day=datetime(2026, 11, 5).date(), initial_status="usulan",
                            categories=["Pariwisata"], description="Festival tahunan.")


@SIGNING
@given(genuine=st.sampled_from([0, 2, 3, 4, 4, 4, 5, 5, 5, 6]),
       steps=st.lists(ACTIONS, min_size=1, max_size=5))
def test_editorial_action_sequences_publish_only_verified_chains(
    newsroom: Newsroom, forger: Forger, policy: Policy, fresh: str, genuine: int,
    steps: list[tuple[Any, ...]]
) -> None:
    """``genuine`` proper signoffs first (so that approval is often reached), then anything."""
    path = "content/berita/2026/baru/index.md"
    clock = [datetime(2026, 11, 5, 8, 0, tzinfo=WIB)]
    donor = next(iter(newsroom.texts.values()))
    text = fresh
    published = False
    for action in [("sign", "proper", 30)] * genuine + steps:
        text = act(text, action, project=newsroom.project, forger=forger, policy=policy,
                   clock=clock, donor=donor)
        verdict = newsroom.check(path, text.encode(), policy)  # publishable => oracle agrees
        published = published or verdict.publishable
    event(f"reached publication: {published}")


def test_genuine_sequence_reaches_publication(newsroom: Newsroom, forger: Forger,
                                              policy: Policy, fresh: str) -> None:
    """The control for the property above: genuine signing does publish."""
    clock = [datetime(2026, 11, 5, 8, 0, tzinfo=WIB)]
    text = fresh
    for who in ("hendra", "sri", "ayu", "sri", "hendra", "sri"):
        text = act(text, ("sign", who, 30), project=newsroom.project, forger=forger,
                   policy=policy, clock=clock, donor="")
    verdict = newsroom.check("content/berita/2026/baru/index.md", text.encode(), policy)
    assert verdict.publishable, [f.message for f in verdict.findings]
    assert oracle(text, newsroom.public, newsroom.project.context.now, policy) is None
    forged = act(text, ("forge", "sri", "mallory", "next", "current", "chain", 5),
                 project=newsroom.project, forger=forger, policy=policy, clock=clock, donor="")
    assert not newsroom.check("x.md", forged.encode(), policy).publishable


def test_every_well_formed_forgery_after_every_genuine_prefix(
    newsroom: Newsroom, forger: Forger, policy: Policy, fresh: str
) -> None:
    """Exhaustively: after 0-6 genuine signoffs, one more signoff with a valid signature,
    chained and over the current content, claimed by anyone, signed with their own key or
    another's, for any step. Published only if the oracle agrees; and at least the genuine
    chains are published (the control)."""
    path = "content/berita/2026/baru/index.md"
    published = 0
    for genuine in range(len(PROPER) + 1):
        clock = [datetime(2026, 11, 5, 8, 0, tzinfo=WIB)]
        base = fresh
        for _ in range(genuine):
            base = act(base, ("sign", "proper", 30), project=newsroom.project, forger=forger,
                       policy=policy, clock=clock, donor="")
        for claimed in SIGNERS:
            for key_of in ("self", "hendra"):
                for which in ("next", "gate", "same", "skip"):
                    forged = act(base, ("forge", claimed, key_of, which, "current", "chain", 7),
                                 project=newsroom.project, forger=forger, policy=policy,
                                 clock=list(clock), donor="")
                    verdict = newsroom.check(path, forged.encode(), policy)
                    published += verdict.publishable
    assert published > 0
