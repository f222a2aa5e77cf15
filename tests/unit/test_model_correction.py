"""Corrections (Ralat) in an item's history: which steps are signed again, what stays in force,
what completes it, and what is refused."""

from __future__ import annotations

from dataclasses import replace

from builders import APPROVED, at, item, real_sop

from warta.model.history import read_history
from warta.model.item import CORRECT, Signoff
from warta.model.signing import correction_payload, take_back_payload
from warta.model.sop import Correction

OLD = "sha256:" + "a" * 64
NEW = "sha256:" + "b" * 64


def step(name: str, by: str, when: str, content: str = OLD) -> Signoff:
    return Signoff(name, by, at(when), None, "sig", content)


def correction(when: str = "2026-11-04 09:00", content: str = OLD) -> Signoff:
    return Signoff("", "hendra", at(when), None, "sig", content, "84 m, bukan 48 m", CORRECT)


APPROVAL = tuple(step(s, by, when) for s, by, when in APPROVED)


def history(*records: Signoff, sop_changes: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    sop = real_sop(**(sop_changes or {}))
    return read_history(item(signoffs=records), sop), sop


def test_a_correction_sends_the_item_back_to_the_writer_and_raises_the_revision() -> None:
    found, sop = history(*APPROVAL, correction())
    assert not found.problems
    assert [s.step for s in found.in_force] == ["disposisi", "perintah"]
    assert found.correcting is not None and found.revision == 2
    assert sop.next_step(found.signed).id == "penulisan"  # type: ignore[union-attr]
    assert found.allowed[5] == ("kabag",)


def test_the_steps_between_stay_in_force_and_the_gate_completes_the_correction() -> None:
    written = step("penulisan", "ayu", "2026-11-04 10:00", NEW)
    found, sop = history(*APPROVAL, correction(), written)
    assert [s.by for s in found.in_force] == ["hendra", "sri", "ayu", "sri"]
    assert found.status(sop) == "dilaporkan"
    approved = step("pengesahan", "hendra", "2026-11-04 11:00", NEW)
    found, sop = history(*APPROVAL, correction(), written, approved)
    assert found.correcting is None and found.signed == 5
    [done] = found.corrections
    assert done.approval is approved and done.replaced is APPROVAL[4]
    assert done.record.note == "84 m, bukan 48 m"


def test_a_step_not_listed_is_not_signed_again() -> None:
    written = step("penulisan", "ayu", "2026-11-04 10:00", NEW)
    again = step("laporan", "sri", "2026-11-04 10:30", NEW)
    found, _ = history(*APPROVAL, correction(), written, again)
    assert found.problems[0].rule == "order.repeated"


def test_a_correction_of_an_unpublished_item_is_refused() -> None:
    found, _ = history(*APPROVAL[:4], correction())
    assert found.problems[0].rule == "correct.not-published"
    assert "which is not approved" in found.problems[0].message


def test_a_second_correction_while_one_is_in_progress_is_refused() -> None:
    found, _ = history(*APPROVAL, correction(), correction("2026-11-04 09:30"))
    assert "already being corrected" in found.problems[0].message


def test_a_correction_must_name_the_approved_text() -> None:
    found, _ = history(*APPROVAL, correction(content=NEW))
    assert found.problems[0].rule == "correct.content"


def test_a_withdrawal_ends_a_correction_in_progress() -> None:
    withdraw = replace(correction("2026-11-04 09:30"), action="withdraw", note="", reason="x")
    started = correction()
    found, _ = history(*APPROVAL, started, withdraw)
    assert found.correcting is None and found.withdrawn is withdraw
    # the notice takes the approved title from the version that correction corrects
    assert found.ended_correction is started


def test_a_plain_withdrawal_ended_no_correction() -> None:
    withdraw = replace(correction("2026-11-04 09:30"), action="withdraw", note="", reason="x")
    found, _ = history(*APPROVAL, withdraw)
    assert found.withdrawn is withdraw and found.ended_correction is None


def test_the_steps_come_from_sop_yml() -> None:
    changes: dict[str, object] = {"correction": Correction(("gate",), ("laporan", "pengesahan"))}
    found, sop = history(*APPROVAL, correction(), sop_changes=changes)
    assert sop.next_step(found.signed).id == "laporan"  # type: ignore[union-attr]


def test_a_correction_signature_cannot_pass_for_a_take_back() -> None:
    common = {"by": "hendra", "at_text": "t", "content": OLD, "prev": None, "office": "k-1234"}
    assert correction_payload("x", note="n", **common) != take_back_payload(  # type: ignore[arg-type]
        "x", action=CORRECT, to="", reason="n", **common  # type: ignore[arg-type]
    )
