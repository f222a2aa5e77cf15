"""Domain objects built in code, with no disk: the SOP, the roster, news items and a fake
signature verifier.

``real_sop()`` mirrors workflow/sop.yml (an integration test checks that it still does), and
``roster()`` mirrors the roster the integration fixtures write. ``FakeVerifier`` is faithful to
what matters: a "signature" verifies only over exactly the bytes it was made for, so reordering,
copying or altering a signoff breaks it the way it breaks a real SSH signature.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

from warta.model.item import NewsItem, Signoff, content_digest, read_news_date
from warta.model.office import week_hours
from warta.model.roster import Education, Holding, Key, Person, Roster
from warta.model.signing import (
    ARMOUR_BEGIN,
    ARMOUR_END,
    ARMOUR_WIDTH,
    chain_digest,
    signoff_payload,
)
from warta.model.sop import (
    Calendar,
    DutyRule,
    Identity,
    Qualification,
    Role,
    Sop,
    StandardTime,
    Step,
    TimeUnit,
)
from warta.validate import Context

WIB = timezone(timedelta(hours=7), "WIB")
#: "Now" for every unit test: Friday 27 November 2026, 10:00 WIB.
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)
#: The office the items built here are signed for (a trust root's ``office <id>``).
OFFICE_ID = "kantor-uji-warta"
PATH = "content/berita/2026/jembatan/index.md"


def at(text: str) -> datetime:
    """A WIB moment from 'YYYY-MM-DD HH:MM', or any ISO 8601 time with its offset."""
    return datetime.fromisoformat(text if len(text) > 16 else f"{text}:00+07:00")


# ---- policy -------------------------------------------------------------------------


def roles() -> dict[str, Role]:
    return {
        "kabag": Role(
            "kabag",
            "Kepala Bagian Kominfo dan Humas",
            "Kabag",
            Qualification("S2", "Teknik Informatika"),
        ),
        "kasubag": Role(
            "kasubag", "Kepala Sub Bagian Humas", "Kasubag", Qualification("S1", "Sosiologi")
        ),
        "staf": Role(
            "staf", "Staf Sub Bagian Humas", "Staf", Qualification("D3", "Ilmu Komunikasi")
        ),
    }


def minutes(amount: int) -> StandardTime:
    return StandardTime(amount, TimeUnit.MENIT)


def working_days(amount: int) -> StandardTime:
    return StandardTime(amount, TimeUnit.HARI, working_days=True)


def real_steps() -> tuple[Step, ...]:
    return (
        Step(
            1,
            "disposisi",
            "Menugaskan kasubag pemberitaan untuk meliput berita pembangunan yang ada di Kabupaten",
            "kabag",
            "Agenda kerja",
            minutes(5),
            "Disposisi",
            "ditugaskan",
        ),
        Step(
            2,
            "perintah",
            "Memerintahkan staf untuk menghimpun bahan informasi dalam rangka penyampaian"
            " informasi kegiatan pemerintah daerah",
            "kasubag",
            "Disposisi",
            minutes(5),
            "Bahan informasi kegiatan",
            "diliput",
        ),
        Step(
            3,
            "penulisan",
            "Menghimpun dan mengelola bahan informasi, News Room, serta komunikasi untuk"
            " kebutuhan Pemda, dan melaporkan hasil pelaksanaan kegiatan yang telah dijalankan",
            "staf",
            "Bahan informasi dan berita",
            working_days(5),
            "Informasi dan berita",
            "ditulis",
            note="Naskah berita yang ditulis staf adalah draft laporan hasil kegiatan.",
            edits=True,
        ),
        Step(
            4,
            "laporan",
            "Melaporkan hasil pelaksanaan kegiatan kepada Kabag Kominfo dan Humas",
            "kasubag",
            "Draft laporan hasil kegiatan",
            minutes(5),
            "Laporan hasil kegiatan",
            "dilaporkan",
            edits=True,
        ),
        Step(
            5,
            "pengesahan",
            "Mengetahui dan menyetujui laporan hasil pelaksanaan kegiatan",
            "kabag",
            "Laporan hasil pelaksanaan kegiatan",
            minutes(5),
            "Pengesahan laporan hasil kegiatan",
            "disetujui",
            gate=True,
            freezes_content=True,
        ),
        Step(
            6,
            "kompilasi",
            "Menghimpun bahan informasi pembangunan daerah untuk kemudian disusun dan dicetak",
            "kasubag",
            "Kumpulan bahan informasi pembangunan daerah",
            working_days(2),
            "Pencetakan berita informasi pembangunan daerah",
            "dicetak",
            prints=True,
        ),
    )


def real_duties() -> tuple[DutyRule, ...]:
    return (
        DutyRule(
            "penulis-bukan-penyetuju",
            ("penulisan", "pengesahan"),
            "yang menulis berita tidak boleh menyetujuinya sendiri",
        ),
        DutyRule(
            "penulis-bukan-pelapor",
            ("penulisan", "laporan"),
            "Kasubag memeriksa dan melaporkan naskah staf, bukan naskahnya sendiri",
        ),
        DutyRule(
            "pelapor-bukan-penyetuju",
            ("laporan", "pengesahan"),
            "laporan dan pengesahannya dilakukan oleh orang yang berbeda",
        ),
    )


#: 2026's libur nasional and cuti bersama (SKB 3 Menteri), as in workflow/sop.yml.
HOLIDAYS_2026 = frozenset(
    date.fromisoformat(f"2026-{day}")
    for day in (
        *("01-01", "01-16", "02-16", "02-17", "03-18", "03-19", "03-20", "03-21", "03-22"),
        *("03-23", "03-24", "04-03", "04-05", "05-01", "05-14", "05-15", "05-27", "05-28"),
        *("05-31", "06-01", "06-16", "08-17", "08-25", "12-24", "12-25"),
    )
)
#: Senin to Kamis 07:30-16:00, Jumat 07:30-16:30, as in workflow/sop.yml.
OFFICE_HOURS = week_hours(
    {day: [(time(7, 30), time(16, 30) if day == 4 else time(16))] for day in range(5)}
)
OFFICE = Calendar(frozenset({0, 1, 2, 3, 4}), HOLIDAYS_2026, OFFICE_HOURS)


EDUCATION_RANKS = {"SMA": 0, "D1": 1, "D2": 2, "D3": 3, "D4": 4, "S1": 4, "S2": 5, "S3": 6}


def real_sop(**changes: object) -> Sop:
    """The SOP of workflow/sop.yml, built in code; ``changes`` replace fields."""
    sop = Sop(
        identity=Identity(
            number="SOP-21.04.1.3.1.3-1",
            name="Peliputan Pemberitaan Di Wilayah Kabupaten",
            unit="Pemerintah Kabupaten — Sekretariat Daerah, Bagian Kominfo dan Humas",
            created=date(2017, 9, 1),
            revised=date(2017, 9, 2),
            effective=date(2017, 9, 2),
            approved_by="Kepala Bagian Kominfo dan Humas",
        ),
        roles=roles(),
        steps=real_steps(),
        initial_status="usulan",
        duties=real_duties(),
        calendar=OFFICE,
        timezone="Asia/Jakarta",
        education_ranks=dict(EDUCATION_RANKS),
    )
    return replace(sop, **changes)  # type: ignore[arg-type]


def public_key(person_id: str) -> str:
    blob = (
        b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + hashlib.sha256(person_id.encode()).digest()
    )
    return "ssh-ed25519 " + base64.b64encode(blob).decode("ascii")


def person(
    person_id: str,
    name: str,
    holdings: Sequence[Holding],
    education: Sequence[Education] = (),
    *,
    line: int | None = None,
    keys: Sequence[Key] | None = None,
) -> Person:
    own = (Key(public_key(person_id), start=date(2026, 1, 1)),) if keys is None else tuple(keys)
    return Person(person_id, name, "1" * 18, tuple(holdings), own, tuple(education), line)


def people() -> dict[str, Person]:
    return {
        "hendra": person(
            "hendra",
            "Hendra Wijaya, S.Kom., M.T.",
            [Holding("kabag")],
            [Education("S2", "Teknik Informatika")],
            line=1,
        ),
        "sri": person(
            "sri", "Sri Rahayu, S.Sos.", [Holding("kasubag")], [Education("S1", "Sosiologi")]
        ),
        "dimas": person(
            "dimas",
            "Dimas Prasetyo, A.Md.",
            [Holding("staf")],
            [Education("D3", "Ilmu Komunikasi")],
        ),
        "ayu": person(
            "ayu", "Ayu Lestari, S.I.Kom.", [Holding("staf")], [Education("S1", "Ilmu Komunikasi")]
        ),
        "agus": person(
            "agus",
            "Agus Setiawan, S.Sos.",
            [
                Holding("staf"),
                Holding("kasubag", date(2026, 10, 1), date(2026, 10, 31), acting=True),
            ],
            [Education("S1", "Sosiologi"), Education("D3", "Ilmu Komunikasi")],
        ),
    }


def roster(*extra: Person) -> Roster:
    found = people()
    for p in extra:
        found[p.id] = p
    return Roster(found)


# ---- evidence -------------------------------------------------------------------------


class FakeVerifier:
    """A signature is an SSHSIG-shaped blob holding the public key, the namespace and the
    SHA-256 of the signed bytes, armoured as ssh-keygen armours a signature. It verifies
    only over exactly those bytes and that namespace, like SSHSIG; anything else is
    invalid."""

    def __init__(self) -> None:
        self.calls: list[tuple[bytes, str, str]] = []

    @staticmethod
    def sign(key: str, message: bytes, namespace: str = "warta") -> str:
        digest = hashlib.sha256(namespace.encode() + b"\x00" + message).hexdigest()
        fields = (key.encode(), namespace.encode(), b"", b"sha512", digest.encode())
        blob = b"SSHSIG" + (1).to_bytes(4, "big") + b"".join(
            len(f).to_bytes(4, "big") + f for f in fields
        )
        body = base64.b64encode(blob).decode("ascii")
        lines = [body[i : i + ARMOUR_WIDTH] for i in range(0, len(body), ARMOUR_WIDTH)]
        return "\n".join([ARMOUR_BEGIN, *lines, ARMOUR_END, ""])

    def signer_key(self, message: bytes, armored: str, namespace: str) -> str | None:
        self.calls.append((message, armored, namespace))
        try:
            blob = base64.b64decode("".join(armored.split("\n")[1:-2]), validate=True)
        except ValueError:
            return None
        if not blob.startswith(b"SSHSIG"):
            return None
        size = int.from_bytes(blob[10:14], "big")
        key = blob[14 : 14 + size].decode("utf-8", "replace")
        return key if self.sign(key, message, namespace) == armored else None


FIELDS: Mapping[str, object] = {
    "id": "20261102-jembatan",
    "title": "Bupati Resmikan Jembatan Cibening",
    "date": "2026-11-02",
    "description": "Ringkasan",
    "categories": ["Kecamatan Cibening", "Infrastruktur"],
}
BODY = "\nSUKAMAJU – Isi berita.\n"

#: Where each front-matter key sits in the file every item here stands for.
LINES = {
    "id": 2,
    "title": 3,
    "date": 4,
    "description": 5,
    "categories": 6,
    "status": 9,
    "approved_by": 10,
    "signoffs": 11,
}
FIRST_SIGNOFF_LINE = 12
SIGNOFF_LINES = 10  # step, by, at, content, sig (|, BEGIN, 3 lines, END)

#: (step, by, WIB time): steps 1-5 signed by the right people on Monday 2 November 2026.
APPROVED = (
    ("disposisi", "hendra", "2026-11-02 08:00"),
    ("perintah", "sri", "2026-11-02 08:04"),
    ("penulisan", "dimas", "2026-11-02 10:00"),
    ("laporan", "sri", "2026-11-02 10:04"),
    ("pengesahan", "hendra", "2026-11-02 10:08"),
)


def signoff_line(index: int) -> int:
    return FIRST_SIGNOFF_LINE + SIGNOFF_LINES * index


def signed(
    steps: Sequence[tuple[str, str, str]],
    *,
    item_id: str = str(FIELDS["id"]),
    fields: Mapping[str, object] = FIELDS,
    body: str = BODY,
    keys: Mapping[str, str] | None = None,
    digests: Sequence[str] | None = None,
) -> tuple[Signoff, ...]:
    """Signoffs of (step, by, 'YYYY-MM-DD HH:MM') signed (fake) by each signer's own key,
    chained and over the content as it is (or over ``digests``, one per signoff);
    ``keys`` overrides whose key signs for whom."""
    digest = content_digest(fields, body)
    out: list[Signoff] = []
    prev: str | None = None
    for index, (step, by, when) in enumerate(steps):
        content = digests[index] if digests is not None else digest
        draft = Signoff(step, by, at(when), signoff_line(index), None, content)
        key = (keys or {}).get(by, public_key(by))
        sig = FakeVerifier.sign(key, signoff_payload(item_id, draft, prev, office=OFFICE_ID))
        out.append(replace(draft, sig=sig))
        prev = chain_digest(sig)
    return tuple(out)


def item(
    steps: Sequence[tuple[str, str, str]] = APPROVED,
    *,
    status: str | None = "auto",
    approved_by: str | None = "auto",
    signoffs: Sequence[Signoff] | None = None,
    path: str = PATH,
    fields: Mapping[str, object] = FIELDS,
    body: str = BODY,
    lines: Mapping[str, int] | None = None,
) -> NewsItem:
    """A news item as the reader would build it. By default status and approved_by agree
    with the signoffs (``"auto"``); pass a value (or None for absent) to override."""
    sop = real_sop()
    if signoffs is None:
        signoffs = signed(steps, item_id=str(fields.get("id")), fields=fields, body=body)
    if status == "auto":
        known = [s for s in signoffs if sop.step(s.step) is not None]
        status = sop.step(known[-1].step).status if known else sop.initial_status  # type: ignore[union-attr]
    if approved_by == "auto":
        approval = next((s for s in signoffs if s.step == sop.gate.id), None)
        approved_by = approval.by if approval else None
    key_lines = dict(LINES if lines is None else lines)
    if approved_by is None:
        key_lines.pop("approved_by", None)
    if status is None:
        key_lines.pop("status", None)
    item_id = fields.get("id")
    title = fields.get("title")
    day, description = fields.get("date"), fields.get("description")
    return NewsItem(
        path=path,
        id=item_id if isinstance(item_id, str) else None,
        title=title if isinstance(title, str) else None,
        status=status,
        approved_by=approved_by,
        signoffs=tuple(signoffs),
        fields=dict(fields),
        body=body,
        lines=key_lines,
        body_line=LINES["signoffs"] + 1 + SIGNOFF_LINES * len(signoffs) + 1,
        slug=slug if isinstance(slug := fields.get("slug"), str) else None,
        news_date=read_news_date(day) if isinstance(day, str) else None,
        description=description if isinstance(description, str) else "",
        categories=_texts(fields.get("categories")),
        tags=_texts(fields.get("tags")),
    )


def _texts(value: object) -> tuple[str, ...]:
    """A list of text as the reader reads it (anything else: none)."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return ()


def context(
    *,
    sop: Sop | None = None,
    people: Roster | None = None,
    now: datetime = NOW,
    verifier: FakeVerifier | None = None,
) -> Context:
    return Context(
        sop or real_sop(),
        people or roster(),
        WIB,
        now,
        verifier or FakeVerifier(),
        OFFICE_ID,
    )
