"""Properties over many generated inputs: reading never raises, whatever the text; the
validator never raises on whatever the reader builds; any tampering with an approved item
makes it unpublishable (fail closed); deadlines behave."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import yaml
from builders import APPROVED, WIB, at, context, item, signed
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from warta.adapters.items import parse_item
from warta.adapters.textfile import decode
from warta.model.sop import Calendar, StandardTime, TimeUnit
from warta.output import as_github, as_json, as_text
from warta.validate import validate

FAST = settings(
    database=None, deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow]
)
PATH = "content/berita/x.md"

YAMLISH = st.text(
    alphabet=st.sampled_from(list("-\n:[]{}&*!'\"#|>?,. \tab1\u2028\x85é%@`~=<")),
    max_size=80,
)


def check_findings(source: str, findings: list) -> None:  # type: ignore[type-arg]
    lines = source.count("\n") + 2
    for f in findings:
        assert f.path == PATH
        assert f.line is None or 1 <= f.line <= lines, (f, source)
        assert f.rule and f.message


@FAST
@given(YAMLISH)
def test_any_front_matter_text_reads_without_raising(front: str) -> None:
    source = f"---\n{front}\n---\nIsi.\n"
    loaded = parse_item(source, PATH)
    check_findings(source, loaded.findings)
    assert loaded.item is not None or any(f.is_error for f in loaded.findings)


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_explain_why_not(raw: bytes) -> None:
    result = decode(b"---\n" + raw, PATH)
    if result.text is None:
        assert any(f.is_error for f in result.findings)
    else:
        assert "\r" not in result.text
        loaded = parse_item(result.text, PATH)
        check_findings(result.text, loaded.findings)


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "2026-11-02T08:00:00+07:00",
            "2026-11-02T08:00:00",
            "2026-11-02",
            "disposisi",
            "pengesahan",
            "hendra",
            "sri",
            "usulan",
            "disetujui",
            "sha256:00",
            "0001-01-01T00:00:00+14:00",
        ]
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = st.sampled_from(
    [
        "id",
        "title",
        "date",
        "description",
        "categories",
        "tags",
        "slug",
        "image",
        "status",
        "approved_by",
        "signoffs",
        "pii_ack",
        "ralat",
        "titel",
    ]
)
SIGNOFF = st.dictionaries(
    st.sampled_from(["step", "by", "at", "sig", "content", "note", "x"]), VALUES, max_size=6
)
FRONT = st.dictionaries(KEYS, VALUES, max_size=10).flatmap(
    lambda d: (
        st.lists(SIGNOFF, max_size=4).map(lambda s: {**d, "signoffs": s})
        if "signoffs" in d
        else st.just(d)
    )
)


@FAST
@given(FRONT, st.text(max_size=40))
def test_the_validator_never_raises_on_what_the_reader_builds(front: dict, body: str) -> None:  # type: ignore[type-arg]
    source = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    loaded = parse_item(source, PATH)
    report = validate([(PATH, loaded.item, loaded.findings)], context())
    for verdict in report.verdicts:
        if verdict.publishable:
            assert not any(f.is_error for f in verdict.findings)
    as_text(report), as_json(report), as_github(report.all_findings())


# ---- fail closed: tampering with an approved item ----------------------------------------------

PEOPLE = ["hendra", "sri", "dimas", "ayu", "agus", "budi"]
STEPS = ["disposisi", "perintah", "penulisan", "laporan", "pengesahan", "kompilasi", "rapat"]


@st.composite
def tampered(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    signoffs = list(signed(APPROVED))
    kind = draw(st.sampled_from(["drop", "repeat", "swap", "by", "step", "time", "status"]))
    index = draw(st.integers(0, len(signoffs) - 1))
    status, approved_by = "auto", "auto"
    if kind == "drop":
        del signoffs[index]
    elif kind == "repeat":
        signoffs.insert(index, signoffs[index])
    elif kind == "swap":
        other = draw(st.integers(0, len(signoffs) - 1))
        assume(other != index)
        signoffs[index], signoffs[other] = signoffs[other], signoffs[index]
    elif kind == "by":
        by = draw(st.sampled_from(PEOPLE))
        assume(by != signoffs[index].by)
        signoffs[index] = replace(signoffs[index], by=by)
        approved_by = draw(st.sampled_from(["auto", "hendra"]))
    elif kind == "step":
        step = draw(st.sampled_from(STEPS))
        assume(step != signoffs[index].step)
        signoffs[index] = replace(signoffs[index], step=step)
    elif kind == "time":
        minutes = draw(st.integers(-600, 600).filter(bool))
        signoffs[index] = replace(
            signoffs[index], at=signoffs[index].at + timedelta(minutes=minutes)
        )
    else:
        status = draw(st.sampled_from(["usulan", "dilaporkan", "dicetak", "terbit"]))
    return kind, item(signoffs=tuple(signoffs), status=status, approved_by=approved_by)


@FAST
@given(tampered())
def test_any_tampering_with_an_approved_item_makes_it_unpublishable(case) -> None:  # type: ignore[no-untyped-def]
    kind, news = case
    (verdict,) = validate([(news.path, news, [])], context()).verdicts
    assert verdict.publishable is False, (kind, news.signoffs)
    assert any(f.is_error for f in verdict.findings) or kind == "drop"


# ---- deadlines --------------------------------------------------------------------------------


@FAST
@given(
    st.integers(0, 400),
    st.integers(0, 24 * 60 - 1),
    st.integers(1, 20),
    st.sampled_from(list(TimeUnit)),
    st.booleans(),
    st.frozensets(st.integers(0, 6), min_size=1),
)
def test_deadlines_never_come_before_the_start_and_land_on_working_days(
    day: int, minute: int, amount: int, unit: TimeUnit, working: bool, weekdays: frozenset[int]
) -> None:
    start = at("2026-01-01 00:00") + timedelta(days=day, minutes=minute)
    std = StandardTime(amount, unit, working)
    calendar = Calendar(weekdays, frozenset())
    deadline = calendar.deadline(start, std)
    assert deadline > start
    assert deadline.tzinfo == WIB
    longer = calendar.deadline(start, StandardTime(amount + 1, unit, working))
    assert longer > deadline
    if unit is TimeUnit.HARI and working:
        assert calendar.is_working_day(deadline.date())
        assert deadline.time() == start.time()


NAMEISH = st.text(alphabet=st.sampled_from(list("aZ09_.-~/ %:?#,;=+&'\"<>éل\u200b\\\x00")))


@FAST
@given(NAMEISH)
def test_a_photo_link_is_quoted_as_quote_makes_it(path: str) -> None:
    """The shortcut for plain names in a photo's link changes no link."""
    from urllib.parse import quote

    from warta.site.photo import _url

    assert _url(path) == quote(path, safe="/")
