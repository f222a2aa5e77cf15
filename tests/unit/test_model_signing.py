"""Evidence: the content digest, the signed payload, the chain and the signature checks (with a
fake verifier that is exact about the bytes it verifies)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import replace
from datetime import date

from builders import (
    APPROVED,
    BODY,
    FIELDS,
    OFFICE_ID,
    PATH,
    FakeVerifier,
    at,
    context,
    item,
    people,
    public_key,
    roster,
    signed,
    signoff_line,
)

from warta.model.findings import Finding, Severity
from warta.model.item import Signoff, canonical_json, content_digest
from warta.model.roster import Key
from warta.model.signing import (
    chain_digest,
    check_signatures,
    fingerprint,
    payload,
    short,
    signoff_payload,
)
from warta.validate import check_frozen


def ssh_fingerprint(key: str) -> str:
    """OpenSSH's SHA256 fingerprint, computed here independently of the code under test."""
    blob = base64.b64decode(key.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def wib_day(signoff: Signoff) -> date:
    return signoff.at.date()


def run(signoffs: tuple[Signoff, ...], *, team=None) -> list[Finding]:  # type: ignore[no-untyped-def]
    news = item(signoffs=signoffs)
    return list(
        check_signatures(news, team or roster(), wib_day, FakeVerifier(), office=OFFICE_ID)
    )


# ---- content digest and payload -----------------------------------------------------------


def test_canonical_json_sorts_keys_has_no_spaces_and_keeps_unicode() -> None:
    assert canonical_json({"b": 1, "a": ["x", "é"]}) == '{"a":["x","é"],"b":1}'


def test_content_digest_is_sha256_over_canonical_fields_and_lf_body() -> None:
    fields = {"title": "Jembatan", "id": "x"}
    expected = hashlib.sha256(b'{"id":"x","title":"Jembatan"}\nbody\n').hexdigest()
    assert content_digest(fields, "body\n") == f"sha256:{expected}"


def test_content_digest_ignores_workflow_keys_and_line_endings() -> None:
    base = content_digest(FIELDS, BODY)
    with_workflow = {**FIELDS, "status": "disetujui", "approved_by": "x", "signoffs": []}
    assert content_digest(with_workflow, BODY) == base
    assert content_digest(FIELDS, BODY.replace("\n", "\r\n")) == base
    assert content_digest(FIELDS, BODY.replace("\n", "\r")) == base


def test_content_digest_changes_with_any_content() -> None:
    base = content_digest(FIELDS, BODY)
    assert content_digest({**FIELDS, "title": "Lain"}, BODY) != base
    assert content_digest(FIELDS, BODY + ".") != base
    assert content_digest({**FIELDS, "tags": []}, BODY) != base


def test_payload_binds_office_item_step_signer_time_content_and_previous_signature() -> None:
    fields = {
        "step": "perintah",
        "by": "sri",
        "at_text": "2026-11-02T08:04:00+07:00",
        "content": "sha256:ab",
        "prev": "sha256:cd",
    }
    data = payload("x-1", **fields, office="kab-sukamaju-0123")
    assert json.loads(data) == {
        "v": "warta-signoff/1",
        "office": "kab-sukamaju-0123",
        "item": "x-1",
        "step": "perintah",
        "by": "sri",
        "at": "2026-11-02T08:04:00+07:00",
        "content": "sha256:ab",
        "prev": "sha256:cd",
    }
    assert data == (
        b'{"at":"2026-11-02T08:04:00+07:00","by":"sri","content":"sha256:ab",'
        b'"item":"x-1","office":"kab-sukamaju-0123","prev":"sha256:cd","step":"perintah",'
        b'"v":"warta-signoff/1"}'
    )
    # a trust root naming no office signs the fields alone, as Warta did before offices
    assert payload("x-1", **fields, office=None) == (
        b'{"at":"2026-11-02T08:04:00+07:00","by":"sri","content":"sha256:ab",'
        b'"item":"x-1","prev":"sha256:cd","step":"perintah","v":"warta-signoff/1"}'
    )


def test_a_signoff_signed_for_another_office_or_none_does_not_verify() -> None:
    """The same key, item and step, signed in another repository (another office's, a
    practice newsroom's, or one whose trust root names no office): invalid here."""
    (first,) = signed(APPROVED[:1])
    draft = replace(first, sig=None)
    for elsewhere in ("kab-lain-0123456789ab", None):
        message = signoff_payload(str(FIELDS["id"]), draft, None, office=elsewhere)
        found = run((replace(draft, sig=FakeVerifier.sign(public_key("hendra"), message)),))
        assert [f.rule for f in found] == ["signature.invalid"]
    assert run((first,)) == []


def test_chain_digest_ignores_armour_indentation_and_wrapping() -> None:
    raw = bytes(range(90))
    b64 = base64.b64encode(raw).decode()
    one = f"-----BEGIN SSH SIGNATURE-----\n{b64[:70]}\n{b64[70:]}\n-----END SSH SIGNATURE-----\n"
    other = "\n".join("      " + line for line in one.splitlines())
    expected = "sha256:" + hashlib.sha256(raw).hexdigest()
    assert chain_digest(one) == chain_digest(other) == expected


def test_fingerprint_matches_openssh() -> None:
    key = public_key("hendra")
    assert fingerprint(key) == ssh_fingerprint(key)
    assert fingerprint("nonsense") == "SHA256:?"


def test_short_digest() -> None:
    assert short("sha256:0123456789abcdef0123") == "sha256:0123456789ab…"
    assert short(None) == "(none)"


# ---- check_signatures: one negative test per rule ------------------------------------------


def label(index: int, step: str, by: str) -> str:
    return f"signoffs[{index}] (step '{step}' by '{by}')"


def test_properly_signed_chain_has_no_finding() -> None:
    assert run(signed(APPROVED)) == []


def test_signature_missing() -> None:
    signoffs = signed(APPROVED[:2])
    signoffs = (signoffs[0], replace(signoffs[1], sig=None))
    assert run(signoffs) == [
        Finding(
            PATH,
            signoff_line(1),
            "signature.missing",
            Severity.ERROR,
            f"{label(1, 'perintah', 'sri')} has no signature; expected an SSH signature made"
            " with 'warta sign'",
        )
    ]


def test_signature_content_missing() -> None:
    # signed over an empty content digest, then the digest left out of the file
    (first,) = signed(APPROVED[:1])
    draft = replace(first, content=None, sig=None)
    message = signoff_payload(str(FIELDS["id"]), draft, None, office=OFFICE_ID)
    sig = FakeVerifier.sign(public_key("hendra"), message)
    found = run((replace(draft, sig=sig),))
    assert found == [
        Finding(
            PATH,
            signoff_line(0),
            "signature.content-missing",
            Severity.ERROR,
            f"{label(0, 'disposisi', 'hendra')} records no content digest; expected"
            " 'content: sha256:…'",
        )
    ]


INVALID = (
    " does not verify over this office, item id, step, signer, time, content digest and"
    " previous signoff; expected a signature made for exactly this signoff (found one copied"
    " from elsewhere, another office's repository too, reordered, truncated or altered)"
)


def test_signature_invalid_when_the_time_was_edited() -> None:
    signoffs = list(signed(APPROVED))
    signoffs[2] = replace(signoffs[2], at=at("2026-11-02 09:00"))
    assert run(tuple(signoffs)) == [
        Finding(
            PATH,
            signoff_line(2),
            "signature.invalid",
            Severity.ERROR,
            f"the signature of {label(2, 'penulisan', 'dimas')}{INVALID}",
        )
    ]


def test_signature_invalid_when_signoffs_are_reordered_breaks_the_chain() -> None:
    signoffs = signed(APPROVED[:3])
    swapped = (
        signoffs[0],
        replace(signoffs[2], line=signoff_line(1)),
        replace(signoffs[1], line=signoff_line(2)),
    )
    rules = [(f.rule, f.line) for f in run(swapped)]
    assert rules == [
        ("signature.invalid", signoff_line(1)),
        ("signature.invalid", signoff_line(2)),
    ]


def test_signature_copied_from_another_item_is_invalid() -> None:
    other = signed(APPROVED[:1], item_id="20261102-lain")
    assert [f.rule for f in run(other)] == ["signature.invalid"]


def test_signature_unknown_key() -> None:
    signoffs = signed(APPROVED[:1], keys={"hendra": public_key("mallory")})
    assert run(signoffs) == [
        Finding(
            PATH,
            signoff_line(0),
            "signature.unknown-key",
            Severity.ERROR,
            f"{label(0, 'disposisi', 'hendra')} is signed with key"
            f" {ssh_fingerprint(public_key('mallory'))}, which is not in roster.yml;"
            " expected a key of the signer listed there",
        )
    ]


def test_signature_wrong_signer() -> None:
    signoffs = signed(APPROVED[:2], keys={"sri": public_key("agus")})
    assert run(signoffs) == [
        Finding(
            PATH,
            signoff_line(1),
            "signature.wrong-signer",
            Severity.ERROR,
            f"{label(1, 'perintah', 'sri')} claims to be by Sri Rahayu, S.Sos. (sri) but is"
            " signed with the key of Agus Setiawan, S.Sos. (agus); expected a key of sri",
        )
    ]


def test_signature_by_a_revoked_key() -> None:
    team = roster()
    sri = team.people["sri"]
    revoked = Key(public_key("sri"), revoked=date(2026, 11, 1), revoked_reason="laptop hilang")
    team.people["sri"] = replace(sri, keys=(revoked,))  # type: ignore[index]
    assert run(signed(APPROVED[:2]), team=team) == [
        Finding(
            PATH,
            signoff_line(1),
            "signature.key-not-valid",
            Severity.ERROR,
            f"{label(1, 'perintah', 'sri')} signed on 2026-11-02, but key"
            f" {ssh_fingerprint(public_key('sri'))} of Sri Rahayu, S.Sos. (sri) was revoked"
            " on 2026-11-01 (laptop hilang)",
        )
    ]


def test_signature_by_a_key_not_yet_valid() -> None:
    team = roster()
    sri = team.people["sri"]
    team.people["sri"] = replace(  # type: ignore[index]
        sri, keys=(Key(public_key("sri"), start=date(2026, 11, 3)),)
    )
    assert run(signed(APPROVED[:2]), team=team) == [
        Finding(
            PATH,
            signoff_line(1),
            "signature.key-not-valid",
            Severity.ERROR,
            f"{label(1, 'perintah', 'sri')} signed on 2026-11-02, but key"
            f" {ssh_fingerprint(public_key('sri'))} of Sri Rahayu, S.Sos. (sri) is valid only"
            " from 2026-11-03",
        )
    ]


def test_signature_of_an_unknown_person_is_left_to_the_signer_check() -> None:
    signoffs = signed((("disposisi", "hendra", "2026-11-02 08:00"),), keys={})
    team = roster()
    del team.people["hendra"]  # type: ignore[attr-defined]
    assert [f.rule for f in run(signoffs, team=team)] == ["signature.unknown-key"]
    team.people["mallory"] = replace(people()["hendra"], id="mallory")  # type: ignore[index]
    # hendra's key now belongs to 'mallory'; the signoff claims hendra, who is unknown
    assert run(signoffs, team=team) == []


def test_an_item_without_id_has_no_signature_findings() -> None:
    news = replace(item(), id=None)
    assert list(check_signatures(news, roster(), wib_day, FakeVerifier(), office=OFFICE_ID)) == []


# ---- content frozen after approval ------------------------------------------------------


def frozen(news):  # type: ignore[no-untyped-def]
    return list(check_frozen(news, context()))


def test_unchanged_content_after_approval_is_fine() -> None:
    assert frozen(item()) == []
    unapproved = item(signoffs=signed(APPROVED[:4]), body=BODY + "Tambahan.\n")
    assert frozen(unapproved) == []


def test_content_changed_after_approval() -> None:
    approved = signed(APPROVED)
    news = item(signoffs=approved, body=BODY + "Tambahan.\n")
    before = content_digest(FIELDS, BODY)
    now = content_digest(FIELDS, BODY + "Tambahan.\n")
    assert frozen(news) == [
        Finding(
            PATH,
            signoff_line(4),
            "content.changed-after-approval",
            Severity.ERROR,
            "content changed after Hendra Wijaya, S.Kom., M.T. (hendra) approved it at"
            f" 2026-11-02T10:08:00+07:00: approved {before[:19]}…, now {now[:19]}…; not"
            " publishable until the Kabag (Hendra Wijaya, S.Kom., M.T.) re-approves (warta"
            f" return {PATH} --to laporan --reason '…', then sign again)",
        )
    ]


def test_a_later_step_signed_over_other_content_than_approved() -> None:
    steps = (*APPROVED, ("kompilasi", "sri", "2026-11-03 10:00"))
    signoffs = list(signed(steps))
    signoffs[5] = replace(signoffs[5], content="sha256:" + "0" * 64)
    approved = content_digest(FIELDS, BODY)
    assert frozen(item(signoffs=tuple(signoffs))) == [
        Finding(
            PATH,
            signoff_line(5),
            "content.changed-after-approval",
            Severity.ERROR,
            f"step 'kompilasi' by 'sri' was signed over content sha256:000000000000…, not the"
            f" approved {approved[:19]}…; expected no change after approval",
        )
    ]
