"""Tools for the hardening tests: sign items outside Warta's own checks, and judge them with an
independent oracle.

``Forger`` makes real SSH signatures (ssh-keygen, the session's keys) over whatever signoff it
is told to, bypassing every refusal of ``warta sign``: a defect in a news item must block
publication even when its signature chain is cryptographically perfect.

``oracle`` decides from first principles whether an item may be published: its own
front-matter split, PyYAML (not Warta's reader), SSHSIG verification with ``sshsig``, the SOP
read from workflow/sop.yml and the test roster. Only the payload layout comes from
``warta.model.signing`` (it is the signed format). The property tests assert that whatever the
validator calls publishable, the oracle accepts too.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sshsig
import yaml

from helpers import MAIN, TEST_OFFICE, pub
from warta.adapters.items import parse_item
from warta.adapters.rewrite import rewrite_workflow
from warta.adapters.ssh import KeygenSigner
from warta.model.item import Signoff, content_digest
from warta.model.signing import NAMESPACE, chain_digest, payload

WIB = ZoneInfo("Asia/Jakarta")
WORKFLOW_KEYS = ("status", "revision", "approved_by", "signoffs")

#: steps 1-5 on 2 Nov 2026 by the right people (the publishing gate is step 5)
APPROVAL = (
    ("disposisi", "hendra", "08:00"),
    ("perintah", "sri", "08:04"),
    ("penulisan", "dimas", "10:00"),
    ("laporan", "sri", "10:04"),
    ("pengesahan", "hendra", "10:08"),
)
COMPILED = (*APPROVAL, ("kompilasi", "sri", "10:30"))


def says_expected_and_found(message: str) -> bool:
    """The message names what was expected and what was found (STYLE: rule, expected, found)."""
    expected = re.search(r"\b(expected|must)\b", message) is not None
    found = re.search(r"\b(found|is empty)\b", message) is not None
    return expected and found


# ---- the SOP and roster, read independently -----------------------------------------------


@dataclass(frozen=True)
class Policy:
    steps: tuple[str, ...]
    roles: dict[str, str]
    statuses: dict[str, str]
    gate: str
    initial: str
    duties: tuple[tuple[str, ...], ...]
    #: the steps before which the text may change (``edits: true``)
    edits: frozenset[str] = frozenset()


def load_policy() -> Policy:
    data = yaml.safe_load((MAIN / "workflow" / "sop.yml").read_text(encoding="utf-8"))
    steps = data["steps"]
    return Policy(
        steps=tuple(s["id"] for s in steps),
        roles={s["id"]: s["role"] for s in steps},
        statuses={s["id"]: s["status"] for s in steps},
        gate=next(s["id"] for s in steps if s.get("gate")),
        initial=data["initial_status"],
        duties=tuple(tuple(d["steps"]) for d in data["separation_of_duties"]),
        edits=frozenset(s["id"] for s in steps if s.get("edits")),
    )


def holds(person: str, role: str, day: date) -> bool:
    """The test roster (tests/helpers.py ROSTER_TEMPLATE), restated."""
    if role == "kabag":
        return person == "hendra"
    if role == "kasubag":
        acting = date(2026, 10, 1) <= day <= date(2026, 10, 31)  # agus is Plt. Kasubag
        return person == "sri" or (person == "agus" and acting)
    if role == "staf":
        return person in ("dimas", "ayu", "agus")
    return False


# ---- signing outside Warta's refusals -----------------------------------------------------


class Forger:
    """Real signatures by the session's keys over any payload; remembered, to stay fast."""

    def __init__(self, keys: dict[str, Path]) -> None:
        self.keys = keys
        self.signers = {who: KeygenSigner(keyfile=path) for who, path in keys.items()}
        self.cache: dict[tuple[str, bytes], str] = {}

    def sign(self, who: str, message: bytes) -> str:
        hit = self.cache.get((who, message))
        if hit is None:
            hit = self.signers[who].sign(message, NAMESPACE).strip()
            self.cache[(who, message)] = hit
        return hit

    def public(self, who: str) -> str:
        return pub(self.keys[who])

    def signoff(
        self,
        item_id: str,
        *,
        step: str,
        by: str,
        at: datetime,
        content: str,
        prev: str | None,
        key_of: str | None = None,
        note: str = "",
    ) -> Signoff:
        """A signoff claiming ``by``, signed with ``key_of``'s key (default: ``by``'s)."""
        message = payload(
            item_id, step=step, by=by, at_text=at.isoformat(), content=content, prev=prev,
            office=TEST_OFFICE, **({"note": note} if note else {}),
        )
        sig = self.sign(key_of or by, message)
        return Signoff(step, by, at, None, sig, content, note)

    def sign_chain(
        self,
        text: str,
        chain: tuple[tuple[str, str, str], ...] = APPROVAL,
        *,
        day: str = "2026-11-02",
        policy: Policy | None = None,
        raw_at: dict[int, str] | None = None,
    ) -> str:
        """``text`` with its signoffs replaced by ``chain`` (step, person, HH:MM), each signed
        over the item's current content, chained like ``warta sign`` does, but with none of
        its refusals. ``raw_at`` overrides the written time of some signoffs (index -> text)."""
        policy = policy or load_policy()
        item = parse_item(text, "forged.md").item
        assert item is not None, "only items whose front-matter parses can be signed"
        item_id = str(item.fields["id"])
        digest = content_digest(item.fields, item.body)
        signoffs: list[Signoff] = []
        prev: str | None = None
        for step, by, hhmm in chain:
            at = datetime.fromisoformat(f"{day}T{hhmm}:00+07:00")
            signoff = self.signoff(item_id, step=step, by=by, at=at, content=digest, prev=prev)
            signoffs.append(signoff)
            prev = chain_digest(signoff.sig or "")
        status = policy.statuses[chain[-1][0]] if chain else policy.initial
        approved = next((by for step, by, _ in chain if step == policy.gate), None)
        out = rewrite_workflow(text, status=status, approved_by=approved, signoffs=signoffs)
        for index, written in (raw_at or {}).items():
            at_text = signoffs[index].at_text
            out = out.replace(f"at: {at_text}\n", f"at: {written}\n", 1)
        return out


# ---- the oracle -----------------------------------------------------------------------------


class _PlainLoader(yaml.SafeLoader):
    """PyYAML's safe loader reading plain scalars as YAML 1.2's core schema does (restated
    here from the specification, section 10.3.2): dates, times, ``yes``/``no`` and
    ``1:00`` stay the text written (as signed payloads do), ``010`` is ten."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (PyYAML's class registry)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:  # type: ignore[override]
        value = str(self.construct_scalar(node))
        if value.startswith(("0o", "0x")):
            return int(value[2:], 8 if value[1] == "o" else 16)
        return int(value, 10)


for _tag, _rx, _first in (
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", list("-+0123456789")),
    ("float", r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
     r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)", list("-+.0123456789")),
):
    _PlainLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"(?:{_rx})\\Z"),
                                       _first)
_PlainLoader.add_constructor("tag:yaml.org,2002:int", _PlainLoader.construct_yaml_int)


def _split(text: str) -> tuple[str, str] | None:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]) + "\n", "\n".join(lines[index + 1 :])
    return None


def digest_of(front: dict[str, Any], body: str) -> str:
    content = {k: v for k, v in front.items() if k not in WORKFLOW_KEYS}
    data = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return "sha256:" + hashlib.sha256((data + "\n" + body).encode("utf-8")).hexdigest()


def _chain(
    item_id: str,
    signoffs: list[Any],
    public_keys: dict[str, str],
    now: datetime,
    policy: Policy,
    zone: tzinfo,
) -> tuple[dict[str, str], list[str]] | str:
    """Who signed each step and the content each signed, or why the chain does not hold."""
    prev: str | None = None
    previous_at: datetime | None = None
    signer: dict[str, str] = {}
    contents: list[str] = []
    for index, entry in enumerate(signoffs):
        if not isinstance(entry, dict):
            return f"signoff {index} is not a mapping"
        step, by, at_text = entry.get("step"), entry.get("by"), entry.get("at")
        sig, content, note = entry.get("sig"), entry.get("content"), entry.get("note") or ""
        if step != policy.steps[index]:
            return f"signoff {index} is not step {policy.steps[index]}"
        if not (isinstance(by, str) and isinstance(sig, str) and isinstance(content, str)):
            return f"signoff {index} lacks by, sig or content"
        if not isinstance(at_text, str) or not isinstance(note, str):
            return f"signoff {index} has a bad time or note"
        try:
            at = datetime.fromisoformat(at_text)
        except ValueError:
            return f"signoff {index} has a bad time"
        if at.tzinfo is None or at > now + timedelta(minutes=5):
            return f"signoff {index} has no offset or is in the future"
        if previous_at is not None and at < previous_at:
            return f"signoff {index} goes back in time"
        if not holds(by, policy.roles[step], at.astimezone(zone).date()):
            return f"{by} may not sign {step}"
        # the office the test trust root names (tests/helpers.py make_repo), restated
        message = payload(item_id, step=step, by=by, at_text=at.isoformat(), content=content,
                          prev=prev, office=TEST_OFFICE, **({"note": note} if note else {}))
        try:
            key = sshsig.check_signature(message, sig, NAMESPACE)
        except Exception:  # any failure to verify is a verdict, not a crash
            return f"signoff {index} does not verify"
        if " ".join(key.openssh_str().split()[:2]) != public_keys.get(by):
            return f"signoff {index} is not signed with {by}'s key"
        prev = chain_digest(sig)
        previous_at = at
        signer[step] = by
        contents.append(content)
    return signer, contents


def oracle(
    text: str,
    public_keys: dict[str, str],
    now: datetime,
    policy: Policy,
    zone: tzinfo = WIB,
) -> str | None:
    """Why ``text`` (LF) may not be published, or None if every rule of the chain holds."""
    parts = _split(text)
    if parts is None:
        return "no front-matter"
    try:
        front = yaml.load(parts[0], Loader=_PlainLoader)
    except yaml.YAMLError:
        return "front-matter does not parse"
    if not isinstance(front, dict):
        return "front-matter is not a mapping"
    body = parts[1]
    if not body.strip():
        return "empty body"
    item_id = front.get("id")
    if not isinstance(item_id, str) or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", item_id):
        return "bad id"
    try:
        digest = digest_of(front, body)
    except (TypeError, ValueError):
        return "content is not plain data"
    signoffs = front.get("signoffs")
    if not isinstance(signoffs, list):
        return "no signoffs"
    gate_index = policy.steps.index(policy.gate)
    if len(signoffs) <= gate_index or len(signoffs) > len(policy.steps):
        return "not past the gate"
    checked = _chain(item_id, signoffs, public_keys, now, policy, zone)
    if isinstance(checked, str):
        return checked
    signer, contents = checked
    for steps in policy.duties:
        people = [signer[s] for s in steps if s in signer]
        if len(set(people)) != len(people):
            return f"separation of duties {steps}"
    for index in range(1, len(contents)):
        if contents[index] != contents[index - 1] and policy.steps[index] not in policy.edits:
            return f"the text changed before {policy.steps[index]}, which may not edit"
    if front.get("revision", 1) != 1:
        return "revision is not 1 without take-backs"
    approved = contents[gate_index]
    if approved != digest:
        return "content changed since approval"
    if any(c != approved for c in contents[gate_index:]):
        return "a later step signed other content"
    last = policy.steps[len(signoffs) - 1]
    if front.get("status") != policy.statuses[last]:
        return "status does not match"
    if front.get("approved_by") != signer[policy.gate]:
        return "approved_by does not match"
    return None
