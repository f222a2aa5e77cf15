"""Forgeries against signed signoffs, each with real ssh-keygen keys: the item must not be
publishable and the message must say why.

Every test starts from a copy of one repository holding two items approved through steps
1-5 by the right people (Jembatan, signed 2 Nov 2026; Posyandu, 3 Nov 2026), then forges
something the way an attacker with write access to the files (but not the Kabag's key) would.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from helpers import TEST_OFFICE, Repo, SignedRepos, pub
from warta.adapters.items import parse_item
from warta.adapters.rewrite import rewrite_workflow
from warta.model.item import NewsItem, Signoff, content_digest
from warta.model.signing import NAMESPACE, chain_digest, fingerprint, payload, signoff_payload

Json = dict[str, Any]

JEMBATAN = "content/berita/2026/jembatan/index.md"
POSYANDU = "content/berita/2026/posyandu/index.md"
HENDRA = "Hendra Wijaya, S.Kom., M.T. (hendra)"


def two_approved(repo: Repo) -> None:
    repo.approved_item("Bupati Resmikan Jembatan Gantung Cibening", slug="jembatan")
    repo.approved_item("Posyandu Karangsari Tekan Stunting", slug="posyandu", day="2026-11-03",
                       body="KARANGSARI – Posyandu menimbang balita.\n")


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    """Each test works in ``site``, a copy of this (tests/conftest.py)."""
    return signed_repo(two_approved)


# ---- forging tools ---------------------------------------------------------------------


def load(repo: Repo, rel: str) -> tuple[str, NewsItem]:
    text = repo.read(rel)
    item = parse_item(text, rel).item
    assert item is not None and item.id is not None
    return text, item


def write_signoffs(repo: Repo, rel: str, signoffs: tuple[Signoff, ...], *,
                   approved_by: str | None = None, status: str | None = None) -> None:
    text, item = load(repo, rel)
    repo.write(rel, rewrite_workflow(
        text, status=status or item.status or "", signoffs=signoffs,
        approved_by=approved_by if approved_by is not None else item.approved_by))


def ssh_sign(key: Path, message: bytes, workdir: Path, namespace: str = NAMESPACE) -> str:
    """A genuine signature by ``key`` over ``message``, as an attacker holding that key makes."""
    msg = workdir / "forged-payload"
    msg.write_bytes(message)
    sig = Path(f"{msg}.sig")
    sig.unlink(missing_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", str(key), str(msg)],
                   check=True, input=b"", capture_output=True)
    return sig.read_text(encoding="ascii").strip()


def prev_of(item: NewsItem, index: int) -> str | None:
    if index == 0:
        return None
    sig = item.signoffs[index - 1].sig
    assert sig is not None
    return chain_digest(sig)


def resign(item: NewsItem, index: int, signoff: Signoff, key: Path, workdir: Path) -> Signoff:
    """``signoff`` at position ``index`` of ``item``, signed over its exact payload by ``key``."""
    message = signoff_payload(item.id or "", signoff, prev_of(item, index), office=TEST_OFFICE)
    return replace(signoff, sig=ssh_sign(key, message, workdir))


def verdict(repo: Repo, rel: str) -> Json:
    data = repo.validate_json()
    return next(i for i in data["items"] if i["path"] == rel)


def errors(entry: Json) -> list[tuple[str, int | None, str]]:
    return [(f["rule"], f["line"], f["message"]) for f in entry["findings"]
            if f["severity"] == "error"]


def rules(entry: Json) -> set[str]:
    return {rule for rule, _, _ in errors(entry)}


def only_error(entry: Json, rule: str) -> str:
    found = [(r, m) for r, _, m in errors(entry) if r == rule]
    assert len(found) == 1, errors(entry)
    return found[0][1]


def not_publishable(repo: Repo, rel: str) -> Json:
    entry = verdict(repo, rel)
    assert entry["publishable"] is False, entry
    result = repo.cli("verify", rel)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"NOT PUBLISHABLE {rel}"
    return entry


def test_untouched_copies_are_publishable(site: Repo) -> None:
    data = site.validate_json()
    assert [(i["path"], i["publishable"]) for i in data["items"]] == [
        (JEMBATAN, True), (POSYANDU, True)]
    assert data["summary"]["errors"] == 0


# ---- claimed approver ------------------------------------------------------------------


def test_approved_by_edited_to_claim_another_approver(site: Repo) -> None:
    text = site.read(JEMBATAN)
    site.write(JEMBATAN, text.replace('approved_by: "hendra"', 'approved_by: "sri"'))
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"approved_by.mismatch"}
    assert only_error(entry, "approved_by.mismatch") == (
        "approved_by must be the signer of 'pengesahan' (step 5); expected 'hendra',"
        " found 'sri'")


def test_signoff_by_edited_to_claim_another_approver(site: Repo) -> None:
    """Agus (Plt. Kasubag in October only, never Kabag) puts his name on Hendra's approval."""
    _, item = load(site, JEMBATAN)
    approval = replace(item.signoffs[4], by="agus")
    write_signoffs(site, JEMBATAN, (*item.signoffs[:4], approval), approved_by="agus")
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signature.invalid", "signoff.role"}
    assert only_error(entry, "signature.invalid").startswith(
        "the signature of signoffs[4] (step 'pengesahan' by 'agus') does not verify over this"
        " office, item id, step, signer, time, content digest and previous signoff")
    assert "Agus Setiawan, S.Sos. (agus) holds staf, Plt. kasubag 2026-10-01 to 2026-10-31" \
        in only_error(entry, "signoff.role")


def test_approval_signoff_appended_without_a_signature(site: Repo) -> None:
    _, item = load(site, JEMBATAN)
    unsigned = replace(item.signoffs[4], sig=None)
    write_signoffs(site, JEMBATAN, (*item.signoffs[:4], unsigned))
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signature.missing"}
    assert only_error(entry, "signature.missing") == (
        "signoffs[4] (step 'pengesahan' by 'hendra') has no signature; expected an SSH"
        " signature made with 'warta sign'")


# ---- wrong key ---------------------------------------------------------------------------


def test_approval_claimed_for_the_kabag_but_signed_with_a_staff_key(site: Repo,
                                                                    tmp_path: Path) -> None:
    _, item = load(site, JEMBATAN)
    forged = resign(item, 4, item.signoffs[4], site.keys["dimas"], tmp_path)
    write_signoffs(site, JEMBATAN, (*item.signoffs[:4], forged))
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signature.wrong-signer"}
    assert only_error(entry, "signature.wrong-signer") == (
        "signoffs[4] (step 'pengesahan' by 'hendra') claims to be by Hendra Wijaya, S.Kom.,"
        " M.T. (hendra) but is signed with the key of Dimas Prasetyo, A.Md. (dimas);"
        " expected a key of hendra")


def test_approval_signed_in_own_name_by_someone_without_the_kabag_role(
    site: Repo, tmp_path: Path
) -> None:
    """Ayu (staf) signs the approval honestly with her own key: a valid signature, wrong role."""
    _, item = load(site, JEMBATAN)
    forged = resign(item, 4, replace(item.signoffs[4], by="ayu"), site.keys["ayu"], tmp_path)
    write_signoffs(site, JEMBATAN, (*item.signoffs[:4], forged), approved_by="ayu")
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signoff.role"}
    assert only_error(entry, "signoff.role") == (
        "step 'pengesahan' (step 5) must be signed by the Kepala Bagian Kominfo dan Humas"
        " (Kabag) on 2026-11-02; Ayu Lestari, S.I.Kom. (ayu) holds staf")


def test_key_outside_the_roster(site: Repo, tmp_path: Path) -> None:
    _, item = load(site, JEMBATAN)
    forged = resign(item, 4, item.signoffs[4], site.keys["mallory"], tmp_path)
    write_signoffs(site, JEMBATAN, (*item.signoffs[:4], forged))
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signature.unknown-key"}
    assert only_error(entry, "signature.unknown-key") == (
        "signoffs[4] (step 'pengesahan' by 'hendra') is signed with key"
        f" {fingerprint(pub(site.keys['mallory']))}, which is not in roster.yml; expected a"
        " key of the signer listed there")


def test_outsider_signing_in_own_name(site: Repo, tmp_path: Path) -> None:
    _, item = load(site, JEMBATAN)
    forged = resign(item, 4, replace(item.signoffs[4], by="mallory"), site.keys["mallory"],
                    tmp_path)
    write_signoffs(site, JEMBATAN, (*item.signoffs[:4], forged), approved_by="mallory")
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signoff.unknown-person", "signature.unknown-key"}
    assert only_error(entry, "signoff.unknown-person") == (
        "signoffs[4] is by 'mallory', who is not in roster.yml; expected a person id from the"
        " roster")


# ---- copied signatures -------------------------------------------------------------------


def test_signature_copied_from_another_item(site: Repo) -> None:
    """Posyandu's genuine approval by Hendra, pasted onto Jembatan's approval."""
    _, item = load(site, JEMBATAN)
    _, other = load(site, POSYANDU)
    copied = replace(item.signoffs[4], sig=other.signoffs[4].sig)
    write_signoffs(site, JEMBATAN, (*item.signoffs[:4], copied))
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signature.invalid"}
    assert "(found one copied from elsewhere, another office's repository too, reordered," \
        " truncated or altered)" in \
        only_error(entry, "signature.invalid")


def test_whole_approval_signoff_copied_from_another_item(site: Repo) -> None:
    """Even the whole signoff (time, content digest and all) does not carry over."""
    _, item = load(site, JEMBATAN)
    _, other = load(site, POSYANDU)
    write_signoffs(site, JEMBATAN, (*item.signoffs[:4], other.signoffs[4]))
    entry = not_publishable(site, JEMBATAN)
    assert {"signature.invalid", "content.changed-after-approval"} <= rules(entry)
    assert only_error(entry, "signature.invalid").startswith(
        "the signature of signoffs[4] (step 'pengesahan' by 'hendra') does not verify")


def test_signature_copied_from_another_step_of_the_same_person(site: Repo) -> None:
    """Sri's genuine 'perintah' signature reused for her 'laporan'."""
    _, item = load(site, JEMBATAN)
    copied = replace(item.signoffs[3], sig=item.signoffs[1].sig)
    write_signoffs(site, JEMBATAN, (*item.signoffs[:3], copied, item.signoffs[4]))
    entry = not_publishable(site, JEMBATAN)
    # the copy fails, and so does the approval chained to the genuine 'laporan' signature
    assert [(r, m.split(" does not")[0]) for r, _, m in errors(entry)] == [
        ("signature.invalid", "the signature of signoffs[3] (step 'laporan' by 'sri')"),
        ("signature.invalid", "the signature of signoffs[4] (step 'pengesahan' by 'hendra')"),
    ]


def test_signature_copied_from_another_person(site: Repo) -> None:
    """Dimas's 'penulisan' signature pasted into a 'penulisan' claimed by Ayu."""
    _, item = load(site, JEMBATAN)
    copied = replace(item.signoffs[2], by="ayu")
    write_signoffs(site, JEMBATAN, (*item.signoffs[:2], copied, *item.signoffs[3:]))
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signature.invalid"}
    assert only_error(entry, "signature.invalid").startswith(
        "the signature of signoffs[2] (step 'penulisan' by 'ayu') does not verify")


def test_exact_payload_signed_by_another_person(site: Repo, tmp_path: Path) -> None:
    """Agus signs Sri's exact 'laporan' payload: a valid signature, by the wrong person."""
    _, item = load(site, JEMBATAN)
    forged = resign(item, 3, item.signoffs[3], site.keys["agus"], tmp_path)
    write_signoffs(site, JEMBATAN, (*item.signoffs[:3], forged, item.signoffs[4]))
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signature.wrong-signer", "signature.invalid"}
    assert only_error(entry, "signature.wrong-signer") == (
        "signoffs[3] (step 'laporan' by 'sri') claims to be by Sri Rahayu, S.Sos. (sri) but is"
        " signed with the key of Agus Setiawan, S.Sos. (agus); expected a key of sri")


# ---- content and chain -------------------------------------------------------------------


def test_edit_after_approval_names_the_approver_and_who_must_reapprove(site: Repo) -> None:
    text = site.read(JEMBATAN)
    site.write(JEMBATAN, text.replace("Isi berita.", "Isi berita, diubah setelah disetujui."))
    _, item = load(site, JEMBATAN)
    now = content_digest(item.fields, item.body)
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"content.changed-after-approval"}
    approved = item.signoffs[4].content or ""
    message = only_error(entry, "content.changed-after-approval")
    assert message == (
        f"content changed after {HENDRA} approved it at 2026-11-02T10:08:00+07:00: approved"
        f" {approved[:19]}…, now {now[:19]}…; not publishable until the"
        f" Kabag (Hendra Wijaya, S.Kom., M.T.) re-approves (warta return {JEMBATAN} --to"
        " laporan --reason '…', then sign again)")
    line = next(ln for r, ln, _ in errors(entry) if r == "content.changed-after-approval")
    assert site.read(JEMBATAN).splitlines()[line - 1].strip() == '- step: "pengesahan"'


def test_front_matter_edit_after_approval(site: Repo) -> None:
    text = site.read(JEMBATAN)
    site.write(JEMBATAN, text.replace("title: Bupati Resmikan Jembatan Gantung Cibening",
                                      "title: Bupati Batalkan Jembatan Gantung Cibening"))
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"content.changed-after-approval"}


def test_edit_with_content_digests_updated_still_fails(site: Repo) -> None:
    """Rewriting every recorded digest to the new content breaks every signature instead."""
    text = site.read(JEMBATAN)
    site.write(JEMBATAN, text.replace("Isi berita.", "Isi berita palsu."))
    _, item = load(site, JEMBATAN)
    now = content_digest(item.fields, item.body)
    write_signoffs(site, JEMBATAN, tuple(replace(s, content=now) for s in item.signoffs))
    entry = not_publishable(site, JEMBATAN)
    assert [(r, m.split(" does not")[0]) for r, _, m in errors(entry)] == [
        ("signature.invalid", f"the signature of signoffs[{i}] (step '{s.step}' by '{s.by}')")
        for i, s in enumerate(item.signoffs)
    ]


def test_reordered_chain(site: Repo) -> None:
    _, item = load(site, JEMBATAN)
    s = item.signoffs
    write_signoffs(site, JEMBATAN, (s[0], s[2], s[1], s[3], s[4]))
    entry = not_publishable(site, JEMBATAN)
    assert errors(entry)[0][0] == "order.skipped"
    assert errors(entry)[0][2] == (
        "signoffs[1] is step 'penulisan' (step 3), which skips 'perintah' (step 2); steps must"
        " be signed in the SOP's order")
    invalid = [m.split(" does not")[0] for r, _, m in errors(entry) if r == "signature.invalid"]
    assert invalid == [
        "the signature of signoffs[1] (step 'penulisan' by 'dimas')",
        "the signature of signoffs[2] (step 'perintah' by 'sri')",
        "the signature of signoffs[3] (step 'laporan' by 'sri')",
    ]


def test_signatures_swapped_between_same_person_steps(site: Repo) -> None:
    """The step labels stay in order, only Sri's two signatures trade places."""
    _, item = load(site, JEMBATAN)
    s = item.signoffs
    swapped = (s[0], replace(s[1], sig=s[3].sig), s[2], replace(s[3], sig=s[1].sig), s[4])
    write_signoffs(site, JEMBATAN, swapped)
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signature.invalid"}
    assert len(errors(entry)) == 4  # both swapped, and each one chained after them


def test_truncated_chain_middle_signoff_removed(site: Repo) -> None:
    _, item = load(site, JEMBATAN)
    s = item.signoffs
    write_signoffs(site, JEMBATAN, (s[0], s[1], s[3], s[4]))
    entry = not_publishable(site, JEMBATAN)
    assert ("order.skipped",
            "signoffs[2] is step 'laporan' (step 4), which skips 'penulisan' (step 3); steps"
            " must be signed in the SOP's order") in [(r, m) for r, _, m in errors(entry)]
    assert only_error(entry, "signature.invalid").startswith(
        "the signature of signoffs[2] (step 'laporan' by 'sri') does not verify")


def test_truncated_chain_relabelled_to_look_complete(site: Repo, tmp_path: Path) -> None:
    """Dimas drops the 'laporan' step and signs it himself as if he were the Kasubag: even a
    genuine key cannot patch a removed link, since the approval is chained to the original."""
    _, item = load(site, JEMBATAN)
    s = item.signoffs
    shortened = NewsItem(**{**item.__dict__, "signoffs": s[:3]})
    fake = resign(shortened, 3, replace(s[3], by="dimas"), site.keys["dimas"], tmp_path)
    write_signoffs(site, JEMBATAN, (*s[:3], fake, s[4]))
    entry = not_publishable(site, JEMBATAN)
    assert {"signoff.role", "signature.invalid"} <= rules(entry)
    assert only_error(entry, "signature.invalid").startswith(
        "the signature of signoffs[4] (step 'pengesahan' by 'hendra') does not verify")


# ---- revoked key -------------------------------------------------------------------------


def revoke(repo: Repo, person: str, day: str, reason: str) -> None:
    roster = repo.read("workflow/roster.yml")
    line = f"      - key: {pub(repo.keys[person])}\n"
    assert line in roster
    repo.write("workflow/roster.yml", roster.replace(
        line, line + f"        revoked: {day}\n        reason: {reason}\n"))
    repo.sign_workflow("admin")


def test_revoked_key_rejects_signatures_from_the_revocation_date(site: Repo) -> None:
    revoke(site, "hendra", "2026-11-02", "laptop dicuri")
    data = site.validate_json()
    assert data["workflow"] == []  # re-signed by the administrator: the roster is trusted
    jembatan = next(i for i in data["items"] if i["path"] == JEMBATAN)
    assert jembatan["publishable"] is False
    # both of Hendra's signoffs are on 2 November, the revocation day itself
    found = [(r, m) for r, _, m in errors(jembatan)]
    fp = fingerprint(pub(site.keys["hendra"]))
    assert found == [
        ("signature.key-not-valid",
         f"signoffs[{i}] (step '{step}' by 'hendra') signed on 2026-11-02, but key {fp} of"
         " Hendra Wijaya, S.Kom., M.T. (hendra) was revoked on 2026-11-02 (laptop dicuri)")
        for i, step in ((0, "disposisi"), (4, "pengesahan"))
    ]
    posyandu = next(i for i in data["items"] if i["path"] == POSYANDU)
    assert posyandu["publishable"] is False


def test_revocation_dated_after_the_signoffs_keeps_them_valid(site: Repo) -> None:
    revoke(site, "hendra", "2026-11-04", "ganti kunci")
    data = site.validate_json()
    assert [(i["path"], i["publishable"]) for i in data["items"]] == [
        (JEMBATAN, True), (POSYANDU, True)]


def test_signature_backdated_past_the_revocation_still_needs_a_valid_chain(
    site: Repo, tmp_path: Path
) -> None:
    """A thief with Hendra's revoked key re-dates his approval to before the revocation;
    the time is signed and chained, so the old approval cannot simply be re-dated."""
    revoke(site, "hendra", "2026-11-03", "kunci bocor")
    text = site.read(POSYANDU)
    site.write(POSYANDU, text.replace("at: 2026-11-03T10:08:00+07:00",
                                      "at: 2026-11-02T10:08:00+07:00"))
    entry = not_publishable(site, POSYANDU)
    assert {"signature.invalid", "time.backwards"} <= rules(entry)


# ---- the verification cache --------------------------------------------------------------


def plain_digest(message: bytes, armored: str, namespace: str) -> str:
    """The cache's lookup key as anyone could compute it before it was keyed."""
    h = hashlib.sha256()
    for part in (namespace.encode(), message, armored.strip().encode("utf-8", "replace")):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def test_planted_verification_cache_does_not_make_forgeries_valid(site: Repo) -> None:
    """The cache lives in the working tree, so a commit can carry one (git add -f). Entries
    that claim forged signoffs verified must be ignored: the item stays unpublishable."""
    text = site.read(JEMBATAN)
    site.write(JEMBATAN, text.replace("Isi berita.", "Isi berita palsu."))
    _, item = load(site, JEMBATAN)
    now = content_digest(item.fields, item.body)
    forged = tuple(replace(s, content=now) for s in item.signoffs)
    write_signoffs(site, JEMBATAN, forged)
    lines = []
    prev: str | None = None
    for signoff in forged:
        assert signoff.sig is not None
        message = signoff_payload(item.id or "", signoff, prev, office=TEST_OFFICE)
        key = pub(site.keys[signoff.by])
        lines.append(f"{plain_digest(message, signoff.sig, NAMESPACE)} {key}\n")
        prev = chain_digest(signoff.sig)
    site.write(".warta-cache/verified-signatures", "".join(lines))
    site.git("add", "-f", ".warta-cache/verified-signatures", JEMBATAN)
    site.git("commit", "-q", "-m", "sneaky")
    entry = not_publishable(site, JEMBATAN)
    assert rules(entry) == {"signature.invalid"}
    assert len(errors(entry)) == 5


def test_cache_keeps_giving_the_same_verdicts(site: Repo, tmp_path: Path) -> None:
    """Cold (no cache) and warm runs judge a forged and a genuine item alike."""
    _, item = load(site, JEMBATAN)
    forged = resign(item, 4, item.signoffs[4], site.keys["dimas"], tmp_path)
    write_signoffs(site, JEMBATAN, (*item.signoffs[:4], forged))
    from warta.adapters.cachekey import repo_cache_dir

    shutil.rmtree(repo_cache_dir(site.root), ignore_errors=True)
    cold = site.validate_json()
    assert (repo_cache_dir(site.root) / "verified-signatures").is_file()
    assert not (site.root / ".warta-cache").exists()  # never in the working tree
    warm = site.validate_json()
    assert cold == warm
    assert [(i["path"], i["publishable"]) for i in warm["items"]] == [
        (JEMBATAN, False), (POSYANDU, True)]


def test_a_signature_reformatted_after_it_verified_is_judged_as_a_cold_run_judges_it(
    site: Repo,
) -> None:
    """The signature cache keyed a signature by its text with the whitespace around it
    stripped, and a cold run refuses a signature that does not begin with its armour: a
    blank line pushed after ``sig: |`` (the signature is not signed content) made a warm
    run call valid what a cold run refused (found by an independent attack)."""
    assert site.validate_json()["items"][0]["publishable"] is True  # (cached)
    text = site.read(JEMBATAN)
    at = text.rfind("sig: |\n") + len("sig: |\n")
    site.write(JEMBATAN, text[:at] + "\n" + text[at:])
    site.commit_all("sig dirapikan")
    cold = site.validate_json("--no-cache")
    warm = site.validate_json()
    assert warm == cold
    assert "signature.invalid" in rules(not_publishable(site, JEMBATAN))


def test_forged_payload_helper_matches_the_product(site: Repo) -> None:
    """The forging tools above build exactly the payload Warta signs (so forgeries are fair)."""
    _, item = load(site, POSYANDU)
    message = signoff_payload(item.id or "", item.signoffs[2], prev_of(item, 2),
                              office=TEST_OFFICE)
    decoded = json.loads(message)
    assert decoded == {"v": "warta-signoff/1", "item": item.id, "step": "penulisan",
                       "by": "dimas", "at": "2026-11-03T10:00:00+07:00",
                       "content": item.signoffs[2].content, "prev": prev_of(item, 2),
                       "office": TEST_OFFICE}
    assert message == payload(item.id or "", step="penulisan", by="dimas",
                              at_text="2026-11-03T10:00:00+07:00",
                              content=item.signoffs[2].content or "", prev=prev_of(item, 2),
                              office=TEST_OFFICE)



def _signature_block(text: str) -> tuple[int, int]:
    """Where the lines of the first signature of ``text`` begin and its END line begins."""
    start = text.index("    sig: |\n") + len("    sig: |\n")
    return start, text.index("      -----END SSH SIGNATURE-----", start)


def _rewrapped(text: str) -> str:
    start, end = _signature_block(text)
    lines = text[start:end].rstrip("\n").split("\n")
    body = "".join(line.strip() for line in lines[1:])
    return text[:start] + lines[0] + "\n" + "".join(
        f"      {body[i:i + 64]}\n" for i in range(0, len(body), 64)) + text[end:]


def _with_stray_bits(text: str) -> str:
    """The last base64 character before the padding swapped for one that decodes to the
    same bytes (its unused low bits set)."""
    start, end = _signature_block(text)
    block = text[start:end]
    at = block.rindex("=") - 1 if "=" in block else len(block.rstrip()) - 1
    while block[at] == "=":
        at -= 1
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    index = alphabet.index(block[at])
    pad = block.count("=")
    swapped = alphabet[index | (0b1111 if pad == 2 else 0b11)]
    assert swapped != block[at]
    return text[: start + at] + swapped + text[start + at + 1 :]


def _after_the_armour(text: str) -> str:
    _start, end = _signature_block(text)
    close = text.index("\n", end) + 1
    return text[:close] + "      dirapikan\n" + text[close:]


@pytest.mark.parametrize("rewrite", [_rewrapped, _with_stray_bits, _after_the_armour],
                         ids=["wrapped-at-64", "stray-bits", "text-after-armour"])
def test_a_signature_written_another_way_is_refused(site: Repo, rewrite: Any) -> None:
    """The same signature bytes written another way verify all the same, but the record then
    reads as another one (a Ralat's approved version was not found in the history, and
    every deploy failed: found by an independent attack). A signature is taken only as
    ssh-keygen writes it."""
    site.write(JEMBATAN, rewrite(site.read(JEMBATAN)))
    message = only_error(not_publishable(site, JEMBATAN), "signature.armour")
    assert message.startswith("the signature of signoffs[0] (") and "70 characters" in message
    assert rules(verdict(site, POSYANDU)) == set()


def test_a_signature_written_as_a_quoted_string_is_refused(site: Repo) -> None:
    """The same armour written as a YAML double-quoted string (``\\n`` escapes, a base64
    line split by an escaped line break) reads as exactly the same text, so the rule on
    the text passed it; but no line of the signature stands in the file's bytes, where the
    correction's search of the history looks for it (found by an independent attack). A
    signature is taken only as a literal block, as ``warta sign`` writes it; one that only
    moves under a comment is still read as one."""
    text = site.read(JEMBATAN)
    start = text.rindex("    sig: |\n")
    end = text.index("-----END SSH SIGNATURE-----\n", start) + len("-----END SSH SIGNATURE-----\n")
    lines = [line.strip() for line in text[start + len("    sig: |\n") : end].split("\n")]
    armour = "\\n".join(lines)
    quoted = f'    sig: "{armour[:60]}\\\n      {armour[60:]}"\n'
    site.write(JEMBATAN, text[:start] + quoted + text[end:])
    _text, item = load(site, JEMBATAN)
    assert item.signoffs[-1].sig is not None and item.signoffs[-1].sig.startswith("-----BEGIN")
    entry = not_publishable(site, JEMBATAN)
    assert "expected a literal block" in only_error(entry, "signature.armour")
    site.write(JEMBATAN, text.replace("signoffs:\n", "signoffs:\n# tanda tangan\n", 1))
    assert verdict(site, JEMBATAN)["publishable"] is True


def test_a_signature_that_does_not_verify_is_said_once(site: Repo) -> None:
    """A cut signature is not also said to be written another way: one finding, the one
    that matters."""
    _text, item = load(site, JEMBATAN)
    last = item.signoffs[-1]
    assert last.sig is not None
    lines = last.sig.split("\n")
    cut = "\n".join([*lines[:2], *lines[3:]])
    write_signoffs(site, JEMBATAN, (*item.signoffs[:-1], replace(last, sig=cut)))
    entry = not_publishable(site, JEMBATAN)
    assert [rule for rule, _line, _message in errors(entry)] == ["signature.invalid"]


def test_a_signature_with_bytes_in_its_reserved_field_is_refused(site: Repo) -> None:
    """ssh-keygen writes the SSHSIG reserved field empty and verifies over an empty one
    whatever a signature holds there: the last record's signature with other bytes there
    verified (no later record chains to it), a record written another way."""
    import base64
    import struct

    _text, item = load(site, JEMBATAN)
    last = item.signoffs[-1]
    assert last.sig is not None
    blob = base64.b64decode("".join(last.sig.strip().split("\n")[1:-1]))
    fields, at = [], 10  # (after the magic "SSHSIG" and the version, a uint32)
    while at < len(blob):
        (size,) = struct.unpack(">I", blob[at : at + 4])
        fields.append(blob[at + 4 : at + 4 + size])
        at += 4 + size
    assert len(fields) == 5 and fields[2] == b""
    fields[2] = b"x"
    forged = blob[:10] + b"".join(struct.pack(">I", len(f)) + f for f in fields)
    encoded = base64.b64encode(forged).decode("ascii")
    armour = "\n".join(["-----BEGIN SSH SIGNATURE-----",
                        *(encoded[i : i + 70] for i in range(0, len(encoded), 70)),
                        "-----END SSH SIGNATURE-----"])
    write_signoffs(site, JEMBATAN, (*item.signoffs[:-1], replace(last, sig=armour)))
    message = only_error(not_publishable(site, JEMBATAN), "signature.armour")
    assert message.startswith(f"the signature of signoffs[{len(item.signoffs) - 1}] (")
    assert "reserved field empty" in message
    assert rules(verdict(site, JEMBATAN)) == {"signature.armour"}
