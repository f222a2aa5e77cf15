"""What Warta writes into YAML files (notes, file names, titles, roster fields) reads back as
the same text, whatever characters it holds: JSON leaves some as they are that YAML reads
as line breaks (NEL, U+2028, U+2029) or refuses unescaped (DEL, the C1 controls, U+FFFE)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from warta.adapters.yamlnodes import parse, quoted

ANY = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)  # no lone surrogate
AWKWARD = st.text(
    st.sampled_from(["\x85", "\u2028", "\u2029", "\x7f", "\x9b", "\ufffe", "\uffff", "\ufeff",
                     "\t", "\n", '"', "\\", "é", "a", " ", "#", ":", "-"]),
    max_size=20,
)


@given(text=st.one_of(ANY, AWKWARD))
def test_quoted_text_reads_back_as_written(text: str) -> None:
    assert parse(f"note: {quoted(text)}\n")["note"] == text


def test_readable_text_stays_readable() -> None:
    assert quoted("Liput – foto dari Diskominfo, café") == '"Liput – foto dari Diskominfo, café"'
    assert quoted("a\u2028b\x85c") == '"a\\u2028b\\u0085c"'
