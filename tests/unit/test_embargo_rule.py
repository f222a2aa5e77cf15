"""The embargo (no disk): a signed ``embargo`` keeps an approved item off the site until that
moment, at a fixed clock; it is part of the signed content; a judgement made on one side of
it is never reused on the other; the clock ``WARTA_NOW`` is read from the environment only."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from builders import APPROVED, BODY, FIELDS, LINES, NOW, PATH, WIB, at, context, item, signed

from warta.adapters import clock
from warta.adapters.items import parse_item
from warta.errors import UsageError
from warta.model.findings import Finding, Severity
from warta.model.item import NewsItem, content_digest
from warta.validate import Report, judge, validate

EMBARGO = "2026-12-24T09:00:00+07:00"
WHEN = datetime.fromisoformat(EMBARGO)
EMBARGO_LINE = 7
EMBARGOED_FIELDS = {**FIELDS, "embargo": EMBARGO}
PENDING = Finding(
    PATH,
    EMBARGO_LINE,
    "embargo.pending",
    Severity.NOTICE,
    "approved, but under embargo until 2026-12-24T09:00:00+07:00: left out of every output"
    " of the site until a build at or after that time publishes it",
)


def embargoed(
    steps: tuple[tuple[str, str, str], ...] = APPROVED, *, fields: dict[str, object] | None = None
) -> NewsItem:
    """An item whose signed content holds ``embargo`` (every signoff covers it)."""
    content = EMBARGOED_FIELDS if fields is None else fields
    news = item(steps, fields=content, lines={**LINES, "embargo": EMBARGO_LINE})
    value = content.get("embargo")
    return replace(news, embargo=datetime.fromisoformat(value) if isinstance(value, str) else None)


def report(news: NewsItem, *, now: datetime = NOW, strict: bool = False) -> Report:
    return validate([(news.path, news, [])], context(now=now), strict=strict)


# ---- the rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("strict", [False, True])
def test_before_the_embargo_an_approved_item_is_not_publishable_and_nothing_blocks(
    strict: bool,
) -> None:
    result = report(embargoed(), strict=strict)
    (verdict,) = result.verdicts
    assert verdict.findings == [PENDING]
    assert verdict.publishable is False
    assert verdict.embargo == WHEN
    assert result.blocking() == []  # warta validate and build --strict still succeed
    assert result.publishable() == []


def test_a_minute_before_the_embargo_it_still_waits() -> None:
    (verdict,) = report(embargoed(), now=WHEN - timedelta(minutes=1)).verdicts
    assert verdict.publishable is False
    assert verdict.findings == [PENDING]


@pytest.mark.parametrize("after", [timedelta(0), timedelta(seconds=1), timedelta(days=400)])
def test_from_the_embargo_on_the_item_is_published(after: timedelta) -> None:
    (verdict,) = report(embargoed(), now=WHEN + after).verdicts
    assert verdict.findings == []
    assert verdict.publishable is True
    assert verdict.embargo is None


def test_the_embargo_is_compared_as_a_moment_whatever_its_offset() -> None:
    utc = WHEN.astimezone(UTC)  # 02:00Z is 09:00 WIB: the same moment
    assert report(embargoed(), now=utc).verdicts[0].publishable is True
    assert report(embargoed(), now=utc - timedelta(seconds=1)).verdicts[0].publishable is False


def test_an_embargo_in_the_past_changes_nothing() -> None:
    past = {**FIELDS, "embargo": "2026-11-01T00:00:00+07:00"}
    (verdict,) = report(embargoed(fields=past)).verdicts
    assert verdict.findings == []
    assert verdict.publishable is True


def test_a_draft_with_an_embargo_is_a_draft_with_no_notice() -> None:
    (verdict,) = report(embargoed(APPROVED[:4])).verdicts
    assert verdict.findings == []
    assert verdict.publishable is False
    assert verdict.embargo is None  # nothing is scheduled: it is not approved


def test_an_embargo_never_makes_an_unpublishable_item_publishable() -> None:
    news = embargoed()
    broken = replace(news, approved_by="sri")  # an error of its own
    (verdict,) = report(broken, now=WHEN + timedelta(days=1)).verdicts
    assert verdict.publishable is False
    assert [f.rule for f in verdict.findings] == ["approved_by.mismatch"]


# ---- the embargo is signed content -------------------------------------------------------


def test_the_content_digest_covers_the_embargo() -> None:
    digests = {
        content_digest(FIELDS, BODY),
        content_digest(EMBARGOED_FIELDS, BODY),
        content_digest({**FIELDS, "embargo": "2026-12-24T09:00:01+07:00"}, BODY),
    }
    assert len(digests) == 3


@pytest.mark.parametrize(
    "fields",
    [
        {k: v for k, v in EMBARGOED_FIELDS.items() if k != "embargo"},  # removed
        {**EMBARGOED_FIELDS, "embargo": "2026-11-03T09:00:00+07:00"},  # moved earlier
    ],
    ids=["removed", "moved-earlier"],
)
def test_an_embargo_changed_after_approval_is_an_edit_after_approval(
    fields: dict[str, object],
) -> None:
    approved = embargoed()
    tampered = replace(approved, fields=fields, embargo=None)
    (verdict,) = report(tampered, now=WHEN - timedelta(days=1)).verdicts
    assert verdict.publishable is False
    assert [f.rule for f in verdict.findings] == ["content.changed-after-approval"]


def test_an_embargo_added_after_approval_is_an_edit_after_approval() -> None:
    signoffs = signed(APPROVED)  # over the content without an embargo
    news = replace(
        item(signoffs=signoffs, fields=EMBARGOED_FIELDS), embargo=WHEN
    )
    (verdict,) = report(news, now=WHEN + timedelta(days=1)).verdicts
    assert verdict.publishable is False
    assert "content.changed-after-approval" in [f.rule for f in verdict.findings]


def test_an_embargo_set_before_the_approval_is_signed_with_it() -> None:
    """Written by the staff (step 3 may change the text): every later step signs it."""
    digests = [content_digest(FIELDS, BODY)] * 2 + [content_digest(EMBARGOED_FIELDS, BODY)] * 3
    signoffs = signed(APPROVED, fields=EMBARGOED_FIELDS, digests=digests)
    news = replace(item(signoffs=signoffs, fields=EMBARGOED_FIELDS), embargo=WHEN)
    (verdict,) = report(news, now=WHEN).verdicts
    assert verdict.findings == []
    assert verdict.publishable is True


# ---- the verdict cache: which side of the embargo a judgement was made on -----------------


def test_a_judgement_holds_only_on_its_side_of_the_embargo() -> None:
    before = judge(PATH, embargoed(), [], context(now=NOW))
    after = judge(PATH, embargoed(), [], context(now=WHEN))
    assert before.embargoed and not after.embargoed
    assert before.holds_at(WHEN - timedelta(microseconds=1), WIB)
    assert not before.holds_at(WHEN, WIB)
    assert after.holds_at(WHEN + timedelta(days=30), WIB)
    assert not after.holds_at(WHEN - timedelta(microseconds=1), WIB)  # a clock set back


# ---- reading the key ---------------------------------------------------------------------

SOURCE = (
    "---\nid: 20261102-jembatan\ntitle: Judul\ndate: 2026-11-02\ndescription: Ringkasan\n"
    "categories: [A]\n{line}\nslug: x\nstatus: usulan\nsignoffs: []\n---\n\nIsi berita.\n"
)


def read(line: str) -> tuple[NewsItem | None, list[tuple[int | None, str, str]]]:
    loaded = parse_item(SOURCE.format(line=line), PATH)
    return loaded.item, [(f.line, f.rule, f.message) for f in loaded.findings]


@pytest.mark.parametrize("value", [EMBARGO, f'"{EMBARGO}"', "2026-12-24T02:00:00Z"])
def test_the_embargo_reads_as_a_moment(value: str) -> None:
    news, found = read(f"embargo: {value}")
    assert found == []
    assert news is not None and news.embargo == WHEN
    assert news.fields["embargo"] == value.strip('"')
    assert news.line_of("embargo") == EMBARGO_LINE


def test_no_embargo_is_none() -> None:
    news, found = read("tags: []")
    assert found == [] and news is not None and news.embargo is None


@pytest.mark.parametrize(
    ("value", "rule", "message"),
    [
        (
            "2026-12-24T09:00:00",
            "time.no-offset",
            "'embargo' must carry a UTC offset (e.g. +07:00 for WIB); found"
            " '2026-12-24T09:00:00' with none",
        ),
        (
            "2026-12-24",
            "time.no-offset",
            "'embargo' must carry a UTC offset (e.g. +07:00 for WIB); found '2026-12-24' with none",
        ),
        (
            "besok pagi",
            "time.format",
            "'embargo' must be an ISO 8601 date-time with offset; found 'besok pagi'",
        ),
        (
            "3026-12-24T09:00:00+07:00",
            "time.range",
            "'embargo' must be a date-time between the years 1900 and 2999; found"
            " '3026-12-24T09:00:00+07:00'",
        ),
        ("2026", "schema.type", "'embargo' must be a date-time with offset; found a number (2026)"),
        (
            "",
            "schema.missing",
            "'embargo' is required; expected a date-time with offset, e.g."
            " 2026-11-20T09:30:00+07:00, found nothing",
        ),
    ],
)
def test_a_broken_embargo_is_an_error(value: str, rule: str, message: str) -> None:
    news, found = read(f"embargo: {value}")
    assert found == [(EMBARGO_LINE, rule, message)]
    assert news is not None and news.embargo is None  # the error keeps it off the site


# ---- the clock ---------------------------------------------------------------------------


def test_without_warta_now_the_clock_is_this_machine_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.CLOCK_ENV, raising=False)
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)


def test_warta_now_fixes_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.CLOCK_ENV, EMBARGO)
    assert clock.now() == WHEN
    assert clock.now().utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-24T09:00:00", "WARTA_NOW='2026-12-24T09:00:00': expected a UTC offset such as"
         " +07:00"),
        ("kemarin", "WARTA_NOW='kemarin': expected an ISO 8601 date-time with offset, e.g."
         " 2026-12-24T09:00:00+07:00"),
        ("0999-01-01T00:00:00+07:00", "WARTA_NOW='0999-01-01T00:00:00+07:00': expected a"
         " date-time between the years 1900 and 2999"),
    ],
)
def test_a_wrong_warta_now_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv(clock.CLOCK_ENV, value)
    with pytest.raises(UsageError) as caught:
        clock.now()
    assert caught.value.message == expected
    assert caught.value.exit_code == 2


def test_the_unit_clock_is_before_the_embargo() -> None:
    assert NOW < WHEN and at("2026-12-24 09:00") == WHEN
