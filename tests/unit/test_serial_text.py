"""Reading and setting the signed ``serial`` of a workflow file, and the rollback check,
on text (no disk)."""

from __future__ import annotations

import pytest

from warta.adapters.serials import NOTE, Serial, check_rollback, serial_in, with_serial
from warta.errors import RefusedError

ROSTER = "workflow/roster.yml"


def test_a_serial_is_added_after_the_opening_comments_and_read_back() -> None:
    text = "# The roster.\n#\n# More words.\npeople: []\n"
    out = with_serial(text, 1, ROSTER)
    assert out == f"# The roster.\n#\n# More words.\nserial: 1{NOTE}\npeople: []\n"
    assert serial_in(out, ROSTER) == (Serial(ROSTER, 1, 4), [])


def test_raising_a_serial_keeps_its_comment_and_everything_else() -> None:
    text = "# c\nserial: 7   # naik tiap tanda tangan\npeople: []\n"
    assert with_serial(text, 8, ROSTER) == "# c\nserial: 8   # naik tiap tanda tangan\npeople: []\n"


def test_only_the_top_level_serial_counts() -> None:
    text = "people:\n  - id: a\n    serial: 3\nserial: 2\n"
    assert serial_in(text, ROSTER)[0] == Serial(ROSTER, 2, 4)
    assert with_serial(text, 5, ROSTER).endswith("    serial: 3\nserial: 5\n")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{people: []}\n", "YAML does not parse"),
        ("serial: 1\nserial: 2\npeople: []\n", "duplicate"),
    ],
)
def test_a_serial_that_cannot_be_set_refuses_signing(text: str, problem: str) -> None:
    with pytest.raises(RefusedError) as caught:
        with_serial(text, 3, ROSTER)
    assert caught.value.message.startswith(f"{ROSTER}: cannot set 'serial: 3' (")
    assert problem in caught.value.message
    assert caught.value.message.endswith("nothing was signed")


def test_a_lower_serial_than_seen_is_a_rollback_and_an_equal_or_higher_one_is_not() -> None:
    serials = {ROSTER: Serial(ROSTER, 4, 2), "workflow/sop.yml": Serial("workflow/sop.yml", 9, 10)}
    found = check_rollback(serials, {ROSTER: 5, "workflow/sop.yml": 9}, "R", "sha256:x")
    assert [(f.path, f.line, f.rule) for f in found] == [(ROSTER, 2, "serial.rollback")]
    assert found[0].message.startswith(
        f"serial must be at least 5, the highest this machine has seen for {ROSTER} (TOFU"
        " record R); found 4:")
    assert check_rollback(serials, {}, "R", "sha256:x") == []
