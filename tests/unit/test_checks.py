"""One negative test per rule of the validator, each asserting every finding it produces:
file, line, rule, severity and the exact message. Items are built in code and "signed" with a
fake verifier that is exact about the bytes, so only the rule under test fires."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from builders import (
    APPROVED,
    BODY,
    FIELDS,
    LINES,
    NOW,
    PATH,
    at,
    context,
    item,
    person,
    public_key,
    roster,
    signed,
    signoff_line,
)

from warta.model.findings import Finding, Severity
from warta.model.item import NewsItem, content_digest
from warta.model.roster import Education, Holding
from warta.validate import Context, Report, validate


def report(*items: NewsItem, ctx: Context | None = None, strict: bool = False) -> Report:
    return validate([(i.path, i, []) for i in items], ctx or context(), strict=strict)


def findings(news: NewsItem, ctx: Context | None = None) -> list[Finding]:
    (verdict,) = report(news, ctx=ctx).verdicts
    return verdict.findings


def err(line: int | None, rule: str, message: str, path: str = PATH) -> Finding:
    return Finding(path, line, rule, Severity.ERROR, message)


def warn(line: int | None, rule: str, message: str, path: str = PATH) -> Finding:
    return Finding(path, line, rule, Severity.WARNING, message)


def note(line: int | None, rule: str, message: str, path: str = PATH) -> Finding:
    return Finding(path, line, rule, Severity.NOTICE, message)


STEPS_EXPECTED = "disposisi, perintah, penulisan, laporan, pengesahan, kompilasi"
WIN = ("kompilasi", "sri", "2026-11-03 10:00")


# ---- the positive cases ------------------------------------------------------------------


def test_an_item_signed_in_order_by_the_right_people_is_clean_and_publishable() -> None:
    (verdict,) = report(item()).verdicts
    assert verdict.findings == []
    assert verdict.publishable is True


def test_every_prefix_of_the_sop_is_clean() -> None:
    steps = (*APPROVED, WIN)
    for count in range(len(steps) + 1):
        assert findings(item(steps[:count])) == [], count


# ---- status -----------------------------------------------------------------------------


def test_status_unknown() -> None:
    assert findings(item(status="terbit")) == [
        err(
            LINES["status"],
            "status.unknown",
            "status 'terbit' is not defined in sop.yml; expected one of: usulan, ditugaskan,"
            " diliput, ditulis, dilaporkan, disetujui, dicetak, ditarik",
        )
    ]


def test_status_mismatch_with_the_last_signoff() -> None:
    assert findings(item(status="dilaporkan")) == [
        err(
            LINES["status"],
            "status.mismatch",
            "status must be 'disetujui' because the last step in force is 'pengesahan' (step 5);"
            " found 'dilaporkan'",
        )
    ]


def test_status_mismatch_without_signoffs() -> None:
    assert findings(item((), status="disetujui")) == [
        err(
            LINES["status"],
            "status.mismatch",
            "status must be 'usulan' because no step is signed; found 'disetujui'",
        )
    ]


# ---- order ------------------------------------------------------------------------------


def test_order_unknown_step() -> None:
    steps = (APPROVED[0], ("peliputan", "sri", "2026-11-02 08:04"))
    assert findings(item(steps)) == [
        err(
            signoff_line(1),
            "order.unknown-step",
            f"signoffs[1] names step 'peliputan', which is not in sop.yml; expected one of:"
            f" {STEPS_EXPECTED}",
        )
    ]


def test_order_repeated_step() -> None:
    steps = (*APPROVED[:2], ("perintah", "sri", "2026-11-02 08:06"))
    assert findings(item(steps)) == [
        err(
            signoff_line(2),
            "order.repeated",
            "signoffs[2] repeats step 'perintah' (step 2); expected the next step"
            " 'penulisan' (step 3)",
        )
    ]


def test_order_repeated_after_every_step_is_signed() -> None:
    steps = (*APPROVED, WIN, ("kompilasi", "sri", "2026-11-03 10:02"))
    assert findings(item(steps)) == [
        err(
            signoff_line(6),
            "order.repeated",
            "signoffs[6] repeats step 'kompilasi' (step 6); all steps are already signed"
            " (send the item back with 'warta return' first)",
        )
    ]


def test_order_skipped_step() -> None:
    steps = (APPROVED[0], ("penulisan", "dimas", "2026-11-02 10:00"))
    assert findings(item(steps)) == [
        err(
            signoff_line(1),
            "order.skipped",
            "signoffs[1] is step 'penulisan' (step 3), which skips 'perintah' (step 2); steps"
            " must be signed in the SOP's order",
        )
    ]


def test_order_reports_only_the_first_break() -> None:
    steps = (
        APPROVED[0],
        ("penulisan", "dimas", "2026-11-02 10:00"),
        ("pengesahan", "hendra", "2026-11-02 10:04"),
    )
    assert [f.rule for f in findings(item(steps))] == ["order.skipped"]


def test_an_approval_signed_out_of_order_is_not_publishable() -> None:
    steps = (APPROVED[0], APPROVED[1], ("pengesahan", "hendra", "2026-11-02 08:08"))
    (verdict,) = report(item(steps)).verdicts
    assert [(f.rule, f.line) for f in verdict.findings] == [("order.skipped", signoff_line(2))]
    assert verdict.publishable is False


# ---- signers ----------------------------------------------------------------------------


def test_signoff_unknown_person() -> None:
    # signed with hendra's key, so only the roster check speaks
    signoffs = signed(
        (("disposisi", "budi", "2026-11-02 08:00"),), keys={"budi": public_key("hendra")}
    )
    assert findings(item(signoffs=signoffs)) == [
        err(
            signoff_line(0),
            "signoff.unknown-person",
            "signoffs[0] is by 'budi', who is not in roster.yml; expected a person id from"
            " the roster",
        )
    ]


def test_signoff_role_not_held() -> None:
    steps = (APPROVED[0], ("perintah", "dimas", "2026-11-02 08:04"))
    assert findings(item(steps)) == [
        err(
            signoff_line(1),
            "signoff.role",
            "step 'perintah' (step 2) must be signed by the Kepala Sub Bagian Humas (Kasubag)"
            " on 2026-11-02; Dimas Prasetyo, A.Md. (dimas) holds staf",
        )
    ]


def test_acting_kasubag_may_sign_within_the_plt_period() -> None:
    steps = (
        ("disposisi", "hendra", "2026-10-01 08:00"),
        ("perintah", "agus", "2026-10-01 08:04"),
    )
    assert findings(item(steps)) == []


def test_acting_kasubag_may_not_sign_after_the_plt_period() -> None:
    steps = (
        ("disposisi", "hendra", "2026-11-02 08:00"),
        ("perintah", "agus", "2026-11-02 08:04"),
    )
    assert findings(item(steps)) == [
        err(
            signoff_line(1),
            "signoff.role",
            "step 'perintah' (step 2) must be signed by the Kepala Sub Bagian Humas (Kasubag)"
            " on 2026-11-02; Agus Setiawan, S.Sos. (agus) holds staf, Plt. kasubag 2026-10-01"
            " to 2026-10-31",
        )
    ]


def test_acting_kasubag_may_not_sign_before_the_plt_period() -> None:
    steps = (
        ("disposisi", "hendra", "2026-09-30 15:00"),
        ("perintah", "agus", "2026-09-30 15:04"),
    )
    assert [(f.rule, f.line) for f in findings(item(steps))] == [("signoff.role", signoff_line(1))]


def test_the_plt_period_ends_at_midnight_office_time_not_utc() -> None:
    # 31 Oct 17:30 UTC is 1 Nov 00:30 WIB: past the Plt. period, though still 31 Oct in UTC
    late = datetime(2026, 10, 31, 17, 30, tzinfo=UTC).isoformat()
    in_time = datetime(2026, 10, 31, 16, 30, tzinfo=UTC).isoformat()  # 23:30 WIB
    first = ("disposisi", "hendra", "2026-10-31 23:28")
    assert findings(item((first, ("perintah", "agus", in_time)))) == []
    first = ("disposisi", "hendra", "2026-11-01 00:28")
    found = findings(item((first, ("perintah", "agus", late))))
    assert found == [
        err(
            signoff_line(1),
            "signoff.role",
            "step 'perintah' (step 2) must be signed by the Kepala Sub Bagian Humas (Kasubag)"
            " on 2026-11-01; Agus Setiawan, S.Sos. (agus) holds staf, Plt. kasubag 2026-10-01"
            " to 2026-10-31",
        )
    ]


def test_signoff_role_of_someone_holding_no_role() -> None:
    team = roster(person("tamu", "Tamu", []))
    steps = (("disposisi", "tamu", "2026-11-02 08:00"),)
    assert findings(item(steps), context(people=team)) == [
        err(
            signoff_line(0),
            "signoff.role",
            "step 'disposisi' (step 1) must be signed by the Kepala Bagian Kominfo dan Humas"
            " (Kabag) on 2026-11-02; Tamu (tamu) holds no role",
        )
    ]


# ---- separation of duties ------------------------------------------------------------------


def test_duty_separation_writer_is_not_approver() -> None:
    wati = person(
        "wati",
        "Wati Susanti, M.Kom.",
        [Holding("staf"), Holding("kabag")],
        [Education("S2", "Teknik Informatika")],
    )
    steps = (
        APPROVED[0],
        APPROVED[1],
        ("penulisan", "wati", "2026-11-02 10:00"),
        APPROVED[3],
        ("pengesahan", "wati", "2026-11-02 10:08"),
    )
    assert findings(item(steps), context(people=roster(wati))) == [
        err(
            signoff_line(4),
            "duty.separation",
            "'wati' signed both 'penulisan' (step 3) and 'pengesahan' (step 5); separation of"
            " duties 'penulis-bukan-penyetuju' expects different people (yang menulis berita"
            " tidak boleh menyetujuinya sendiri)",
        )
    ]


def test_duty_separation_holds_for_an_acting_official_with_two_roles() -> None:
    # Sri is also Plt. Kabag in October: she may sign either step, but not both
    team = roster()
    sri = team.people["sri"]
    plt_kabag = Holding("kabag", date(2026, 10, 1), date(2026, 10, 31), acting=True)
    team.people["sri"] = replace(sri, holdings=(*sri.holdings, plt_kabag))  # type: ignore[index]
    steps = (
        ("disposisi", "hendra", "2026-10-05 08:00"),
        ("perintah", "sri", "2026-10-05 08:04"),
        ("penulisan", "dimas", "2026-10-05 10:00"),
        ("laporan", "sri", "2026-10-05 10:04"),
        ("pengesahan", "sri", "2026-10-05 10:08"),
    )
    assert findings(item(steps), context(people=team)) == [
        err(
            signoff_line(4),
            "duty.separation",
            "'sri' signed both 'laporan' (step 4) and 'pengesahan' (step 5); separation of"
            " duties 'pelapor-bukan-penyetuju' expects different people (laporan dan"
            " pengesahannya dilakukan oleh orang yang berbeda)",
        )
    ]
    # and the Plt. Kabag approving what someone else reported is fine
    other = (*steps[:3], ("laporan", "agus", "2026-10-05 10:04"), steps[4])
    assert findings(item(other), context(people=team)) == []


def test_duty_separation_an_acting_kasubag_may_not_report_what_he_wrote() -> None:
    # Agus is staff and, in October, Plt. Kasubag: he may write or report, not both
    steps = (
        ("disposisi", "hendra", "2026-10-05 08:00"),
        ("perintah", "sri", "2026-10-05 08:04"),
        ("penulisan", "agus", "2026-10-05 10:00"),
        ("laporan", "agus", "2026-10-05 10:04"),
    )
    assert findings(item(steps), context()) == [
        err(
            signoff_line(3),
            "duty.separation",
            "'agus' signed both 'penulisan' (step 3) and 'laporan' (step 4); separation of"
            " duties 'penulis-bukan-pelapor' expects different people (Kasubag memeriksa dan"
            " melaporkan naskah staf, bukan naskahnya sendiri)",
        )
    ]


# ---- approved_by -----------------------------------------------------------------------------


def test_approved_by_premature() -> None:
    assert findings(item(APPROVED[:4], approved_by="hendra")) == [
        err(
            LINES["approved_by"],
            "approved_by.premature",
            "approved_by is 'hendra' but the approval step 'pengesahan' (step 5) is not"
            " signed; expected no approved_by",
        )
    ]


def test_approved_by_missing_points_at_the_status_line() -> None:
    assert findings(item(approved_by=None)) == [
        err(
            LINES["status"],
            "approved_by.missing",
            "approved_by is required once 'pengesahan' (step 5) is signed; expected 'hendra',"
            " found nothing",
        )
    ]


def test_approved_by_mismatch() -> None:
    assert findings(item(approved_by="sri")) == [
        err(
            LINES["approved_by"],
            "approved_by.mismatch",
            "approved_by must be the signer of 'pengesahan' (step 5); expected 'hendra',"
            " found 'sri'",
        )
    ]


# ---- times -----------------------------------------------------------------------------------


def test_time_backwards() -> None:
    steps = (APPROVED[0], ("perintah", "sri", "2026-11-02 07:55"))
    assert findings(item(steps)) == [
        err(
            signoff_line(1),
            "time.backwards",
            "signoffs[1] at 2026-11-02T07:55:00+07:00 is earlier than the step before it at"
            " 2026-11-02T08:00:00+07:00; expected times never to go back",
        )
    ]


def test_time_future() -> None:
    steps = (("disposisi", "hendra", "2026-11-27 10:06"),)
    assert findings(item(steps)) == [
        err(
            signoff_line(0),
            "time.future",
            "signoffs[0] is dated in the future: expected a time no later than now"
            " (2026-11-27T10:00:00+07:00), found 2026-11-27T10:06:00+07:00",
        )
    ]


def test_five_minutes_of_clock_skew_are_allowed() -> None:
    assert at("2026-11-27 10:00") == NOW
    assert findings(item((("disposisi", "hendra", "2026-11-27 10:05"),))) == []


def test_time_future_is_reported_in_office_time_for_a_utc_now() -> None:
    steps = (("disposisi", "hendra", "2026-11-27 10:06"),)
    utc_now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    (finding,) = findings(item(steps), context(now=utc_now))
    assert "no later than now (2026-11-27T10:00:00+07:00)," in finding.message


# ---- Mutu Baku (standard times): a notice -----------------------------------------------------


def test_mutu_baku_exceeded_in_minutes() -> None:
    steps = (APPROVED[0], ("perintah", "sri", "2026-11-02 08:10"))
    assert findings(item(steps)) == [
        note(
            signoff_line(1),
            "mutu-baku.exceeded",
            "step 'perintah' (step 2) took 10 menit kerja; its standard time (Mutu Baku) is"
            " 5 menit",
        )
    ]


def test_mutu_baku_counts_minutes_in_office_time() -> None:
    """Disposisi on Friday at 16:00, the order on Monday at 07:35: 30 minutes before Friday's
    closing at 16:30 and 5 after Monday's opening at 07:30, not 2 days and 15 hours."""
    disposisi = ("disposisi", "hendra", "2026-11-06 16:00")
    late = (disposisi, ("perintah", "sri", "2026-11-09 07:35"))
    assert findings(item(late)) == [
        note(
            signoff_line(1),
            "mutu-baku.exceeded",
            "step 'perintah' (step 2) took 35 menit kerja; its standard time (Mutu Baku) is"
            " 5 menit",
        )
    ]
    # at 16:28 on Friday: 2 minutes before closing, 3 after Monday's opening
    on_time = (("disposisi", "hendra", "2026-11-06 16:28"), ("perintah", "sri", "2026-11-09 07:33"))
    assert findings(item(on_time)) == []


def test_mutu_baku_met_exactly_is_fine() -> None:
    steps = (APPROVED[0], ("perintah", "sri", "2026-11-02 08:05"))
    assert findings(item(steps)) == []


def test_mutu_baku_counts_working_days_for_writing() -> None:
    start = (
        ("disposisi", "hendra", "2026-11-06 08:00"),
        ("perintah", "sri", "2026-11-06 08:04"),  # Friday
    )
    on_time = (*start, ("penulisan", "dimas", "2026-11-13 08:04"))  # 5 working days later
    late = (*start, ("penulisan", "dimas", "2026-11-13 09:30"))
    assert findings(item(on_time)) == []
    assert findings(item(late)) == [
        note(
            signoff_line(2),
            "mutu-baku.exceeded",
            "step 'penulisan' (step 3) took 6 hari kerja; its standard time (Mutu Baku) is"
            " 5 hari kerja",
        )
    ]


def test_a_mutu_baku_notice_never_blocks_publication_not_even_under_strict() -> None:
    steps = (*APPROVED[:4], ("pengesahan", "hendra", "2026-11-02 12:00"))
    for strict in (False, True):
        (verdict,) = report(item(steps), strict=strict).verdicts
        assert [(f.rule, f.severity) for f in verdict.findings] == [
            ("mutu-baku.exceeded", Severity.NOTICE)
        ]
        assert verdict.publishable is True


# ---- ids and slugs unique across the site ----------------------------------------------------


def test_id_duplicate_names_the_first_file_and_line() -> None:
    first = item()
    second = item(path="content/berita/2026/salinan/index.md")
    result = report(first, second)
    assert [v.findings for v in result.verdicts] == [
        [],
        [
            err(
                LINES["id"],
                "id.duplicate",
                "id '20261102-jembatan' is also claimed by"
                " content/berita/2026/jembatan/index.md:2, which keeps it; expected each id once"
                " across the site, found it again here (this file is left out)",
                path="content/berita/2026/salinan/index.md",
            )
        ],
    ]
    assert [v.publishable for v in result.verdicts] == [True, False]


def test_url_duplicate_and_folder() -> None:
    """The URL comes from the signed slug and date: a second item claiming it elsewhere is
    both in the wrong folder and a duplicate; the first keeps the URL."""
    fields_a = {**FIELDS, "slug": "jembatan"}
    fields_b = {**FIELDS, "id": "20261103-lain", "slug": "jembatan"}
    lines = {**LINES, "slug": 7}
    first = item(fields=fields_a, lines=lines)
    second = item(fields=fields_b, lines=lines, path="content/berita/2026/lain/index.md")
    result = report(first, second)
    assert result.verdicts[0].findings == []
    assert result.verdicts[1].findings == [
        err(
            7,
            "url.duplicate",
            "URL 'berita/2026/jembatan/' is also claimed by"
            " content/berita/2026/jembatan/index.md:7, which keeps it; expected each URL once"
            " across the site, found it again here (this file is left out)",
            path="content/berita/2026/lain/index.md",
        ),
        err(
            7,
            "url.folder",
            "the URL comes from the signed slug and date (berita/2026/jembatan/); expected this"
            " item at content/berita/2026/jembatan/index.md, found it at"
            " content/berita/2026/lain/index.md (move the folder, or sign a new slug)",
            path="content/berita/2026/lain/index.md",
        ),
    ]
    assert [v.publishable for v in result.verdicts] == [True, False]


def test_a_junk_draft_never_takes_the_id_of_an_approved_item() -> None:
    """A draft carrying an approved item's id, at a path that sorts first, is the one left
    out: the approved item keeps its id."""
    approved = item()
    junk = item(steps=APPROVED[:1], path="content/berita/2026/aaa/index.md")
    result = report(junk, approved)
    assert [v.path for v in result.verdicts if v.publishable] == [PATH]
    (finding,) = result.verdicts[0].findings
    assert finding.rule == "id.duplicate" and PATH in finding.message


# ---- signatures and frozen content, through the validator -------------------------------------


def test_an_altered_signoff_is_not_publishable() -> None:
    signoffs = list(signed(APPROVED))
    signoffs[4] = replace(signoffs[4], by="sri")  # claim another approver
    news = item(signoffs=tuple(signoffs), approved_by="sri")
    (verdict,) = report(news).verdicts
    assert [(f.rule, f.line) for f in verdict.findings] == [
        ("signoff.role", signoff_line(4)),
        ("duty.separation", signoff_line(4)),
        ("signature.invalid", signoff_line(4)),
    ]
    assert verdict.publishable is False


def test_content_changed_after_approval_names_who_must_re_approve() -> None:
    news = item(signoffs=signed(APPROVED), body=BODY + "Kalimat tambahan.\n")
    approved = content_digest(FIELDS, BODY)
    now = content_digest(FIELDS, BODY + "Kalimat tambahan.\n")
    assert findings(news) == [
        err(
            signoff_line(4),
            "content.changed-after-approval",
            "content changed after Hendra Wijaya, S.Kom., M.T. (hendra) approved it at"
            f" 2026-11-02T10:08:00+07:00: approved {approved[:19]}…, now {now[:19]}…; not"
            " publishable until the Kabag (Hendra Wijaya, S.Kom., M.T.) re-approves (warta"
            f" return {PATH} --to laporan --reason '…', then sign again)",
        )
    ]


def test_content_changed_before_approval_is_fine() -> None:
    # the writer's draft was edited by the Kasubag before reporting; the approval covers it
    edited = BODY + "Disunting.\n"
    draft, final = content_digest(FIELDS, BODY), content_digest(FIELDS, edited)
    signoffs = signed(APPROVED, digests=[draft, draft, draft, final, final])
    assert findings(item(signoffs=signoffs, body=edited)) == []
    assert findings(item(signoffs=signoffs, body=BODY))[0].rule == (
        "content.changed-after-approval"
    )


def test_text_changed_before_a_step_that_may_not_edit_names_the_signer_and_the_fix() -> None:
    # text inserted after the Kasubag's report (step 4), then approved by the Kabag (step 5)
    reported, inserted = content_digest(FIELDS, BODY), content_digest(FIELDS, BODY + "Sisipan.\n")
    signoffs = signed(APPROVED, digests=[reported] * 4 + [inserted])
    assert findings(item(signoffs=signoffs, body=BODY + "Sisipan.\n")) == [
        err(
            signoff_line(4),
            "content.edited",
            "the text changed before step 'pengesahan' (step 5), which may not change it:"
            f" Hendra Wijaya, S.Kom., M.T. (hendra) signed {inserted[:19]}…, but Sri Rahayu,"
            f" S.Sos. (sri) signed {reported[:19]}… at 'laporan' (step 4), and that signature"
            " no longer covers the text; expected the text as 'sri' signed it (fix: warta"
            f" return {PATH} --to laporan --reason '…')",
        )
    ]


def test_text_changed_in_a_draft_before_a_step_that_may_not_edit() -> None:
    signoffs = signed(APPROVED[:4])
    news = item(signoffs=signoffs, body=BODY + "Sisipan.\n", status="dilaporkan",
                approved_by=None)
    (finding,) = findings(news)
    assert finding.rule == "content.edited"
    assert finding.line == LINES["status"]
    assert "the next step 'pengesahan' (step 5) may not change it" in finding.message
    assert f"warta return {PATH} --to laporan" in finding.message
    # before the writer's step the text may change: the writer signs it
    assert findings(item(signoffs=signed(APPROVED[:2]), body=BODY + "Draf.\n",
                         status="diliput", approved_by=None)) == []


# ---- personal data (UU 27/2022): errors unless acknowledged -----------------------------------

PII_TAIL = (
    "; expected no personal data (UU 27/2022) — remove it, or acknowledge a false positive"
    " under pii_ack with rule, text and reason"
)


def test_pii_nik_in_the_body_names_its_line() -> None:
    body = "\nSUKAMAJU – Warga menerima bantuan.\nNIK penerima 3204123112900001 tercatat.\n"
    news = item(body=body)
    assert findings(news) == [
        err(
            news.body_line + 2,
            "pii.nik",
            "body: found what looks like a NIK (16-digit national ID number):"
            f" '3204123112900001'{PII_TAIL}",
        )
    ]


def test_pii_phone_in_the_description() -> None:
    news = item(fields={**FIELDS, "description": "Hubungi 0812-3456-7890 untuk info."})
    assert findings(news) == [
        err(
            LINES["description"],
            "pii.phone",
            f"description: found what looks like a personal phone number: '0812-3456-7890'"
            f"{PII_TAIL}",
        )
    ]


def test_pii_email_but_not_an_institutional_one() -> None:
    body = "\nKirim ke humas@karanganyar.go.id atau budi.santoso@gmail.com.\n"
    news = item(body=body)
    assert findings(news) == [
        err(
            news.body_line + 1,
            "pii.email",
            "body: found what looks like a personal e-mail address:"
            f" 'budi.santoso@gmail.com'{PII_TAIL}",
        )
    ]


def test_pii_minor_without_a_basis() -> None:
    fields = {**FIELDS, "image": {"src": "a.jpg", "shows_minor": True}}
    news = item(fields=fields, lines={**LINES, "image": 7})
    assert findings(news) == [
        err(
            7,
            "pii.minor",
            "the photo is marked as showing a minor (shows_minor: true) but no basis was"
            " found; expected image.minor_basis, e.g. the parents' written consent"
            " (children's data is specific personal data, UU 27/2022)",
        )
    ]
    basis = {**fields, "image": {**fields["image"], "minor_basis": "izin tertulis orang tua"}}  # type: ignore[dict-item]
    assert findings(item(fields=basis, lines={**LINES, "image": 7})) == []


def test_pii_acknowledged_with_a_reason_is_not_reported() -> None:
    ack = {"rule": "pii.phone", "text": "0812-3456-7890", "reason": "nomor call center Pemda"}
    fields = {**FIELDS, "description": "Hubungi 0812-3456-7890.", "pii_ack": [ack]}
    assert findings(item(fields=fields)) == []
    no_reason = {**fields, "pii_ack": [{**ack, "reason": " "}]}
    assert [f.rule for f in findings(item(fields=no_reason))] == ["pii.phone"]


def test_pii_is_an_error_that_blocks_with_or_without_strict() -> None:
    news = item(fields={**FIELDS, "description": "Hubungi 0812-3456-7890."})
    (loose,) = report(news).verdicts
    (strict,) = report(news, strict=True).verdicts
    assert (loose.publishable, strict.publishable) == (False, False)


def test_pii_is_read_as_shown_hidden_and_full_width_digits_included() -> None:
    full_width = "３２０４１２３１１２９０\u200b００\u200b０１"
    body = f"\nSUKAMAJU – Warga menerima bantuan.\nNIK {full_width} tercatat.\n"
    news = item(body=body)
    assert findings(news) == [
        err(
            news.body_line + 2,
            "pii.nik",
            "body: found what looks like a NIK (16-digit national ID number):"
            " '3204123112900001' (read as shown: full-width forms and invisible characters"
            f" normalised){PII_TAIL}",
        )
    ]
