"""Realistic, deterministic news for the benchmarks: Indonesian regency news with a photo.

:func:`story` writes one item's title, front-matter texts and body (about 4 KB: a lead with
a dateline, three headings, a list, a quote, several paragraphs) from the bank in stories.yml
(sentences about health, roads, agriculture, education, disasters and ceremonies in the
made-up Kabupaten Sukamaju); :func:`jpeg` draws a small photo-like JPEG. Both depend only on the
``random.Random`` they are given, so a seeded generator gives the same newsroom every time.
Names, villages and figures are invented; no sentence carries a NIK, a phone number or an
e-mail address (Warta's personal-data check would hold the item back).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class Angle:
    """One kind of story within a topic: what its title, lead and photo say."""

    title: str
    lead: str
    description: str
    alt: str
    caption: str
    tags: list[str]


@dataclass(frozen=True)
class Topic:
    category: str
    office: str  # the agency, as a sentence names it
    head: str  # "Kepala Dinas Kesehatan, dr. ..." as a quote is attributed
    angles: list[Angle]
    sentences: list[str]
    quotes: list[str]
    headings: list[str]  # ## headings
    subheadings: list[str]  # ### headings
    points: list[str]  # list items


def _topic(entry: dict[str, Any]) -> Topic:
    return Topic(**{**entry, "angles": [Angle(**a) for a in entry["angles"]]})


BANK: dict[str, Any] = yaml.safe_load(
    Path(__file__).with_name("stories.yml").read_text(encoding="utf-8")
)
KABUPATEN: str = BANK["kabupaten"]
BUPATI: str = BANK["bupati"]
TOPICS = [_topic(t) for t in BANK["topics"]]
#: kecamatan -> (camat, villages)
KECAMATAN = {k: (v["camat"], v["desa"]) for k, v in BANK["kecamatan"].items()}
KADES: list[str] = BANK["kepala_desa"]
WARGA: list[str] = BANK["warga"]
FOTOGRAFER: list[str] = BANK["fotografer"]
SAID: list[str] = BANK["said"]
GENERIC: list[str] = BANK["generic"]  # sentences that fit any story
CLOSINGS: list[str] = BANK["closings"]
LIST_INTROS: list[str] = BANK["list_intros"]


FIGURES = ("n", "pct", "poin", "prod", "ha", "km", "rp")


class Fill(dict[str, str]):
    """The names of one story; a figure (one of :data:`FIGURES`) that is not among them is
    drawn anew at each place it appears, so two sentences never share a number by accident."""

    def __init__(self, rng: random.Random, names: dict[str, str]) -> None:
        super().__init__(names)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        r = self.rng
        if key == "n":
            return str(r.choice((r.randint(3, 60), r.randint(12, 480))))
        if key == "pct":
            return f"{r.randint(4, 96)},{r.randint(1, 9)}"
        if key == "poin":
            return f"{r.randint(2, 9)},{r.randint(1, 9)}"
        if key == "prod":
            return f"{r.randint(5, 8)},{r.randint(1, 9)}"
        if key == "ha":
            return str(r.randint(15, 420))
        if key == "km":
            return f"{r.randint(1, 9)},{r.randint(1, 9)}"
        if key == "rp":
            if r.random() < 0.5:
                return f"Rp{r.randint(120, 950)} juta"
            return f"Rp{r.randint(1, 9)},{r.randint(1, 9)} miliar"
        raise KeyError(key)


@dataclass(frozen=True)
class Story:
    title: str
    description: str
    categories: list[str]
    tags: list[str]
    alt: str
    caption: str
    credit: str
    body: str


def _paragraph(bank: list[str], count: int, fill: Fill) -> str:
    return " ".join(bank.pop().format_map(fill) for _ in range(count))


def _quote(rng: random.Random, text: str, who: str) -> str:
    return f'"{text}," {rng.choice(SAID)} {who}.'


def story(rng: random.Random, day: date) -> Story:
    """One news item of the day ``day``, drawn with ``rng``."""
    topic = rng.choice(TOPICS)
    angle = rng.choice(topic.angles)
    kec = rng.choice(sorted(KECAMATAN))
    camat, villages = KECAMATAN[kec]
    dname = rng.choice(villages)
    desa = f"Kelurahan {dname}" if kec == "Sukamaju Kota" else f"Desa {dname}"
    fill = Fill(
        rng,
        {
            "kab": KABUPATEN,
            "kec": kec,
            "camat": camat,
            "desa": desa,
            "dname": dname,
            "kades": rng.choice(KADES),
            "kepala": f"Lurah {dname}" if kec == "Sukamaju Kota" else f"Kepala Desa {dname}",
            "jadi": str(day.year - 1812),
            "hari": HARI[day.weekday()],
            "tgl": f"{day.day}/{day.month}/{day.year}",
            "tahun": str(day.year),
            "tahun2": str(day.year + 1),
            "office": topic.office,
        },
    )
    # the title, lead, description and caption tell the same figures
    headline = Fill(rng, {**fill, **{k: fill[k] for k in FIGURES}})
    bank = [*rng.sample(topic.sentences, 12), *rng.sample(GENERIC, 16)]
    rng.shuffle(bank)
    quotes = rng.sample(topic.quotes, 3)
    headings = rng.sample(topic.headings, 2)
    speakers = rng.sample(
        (
            topic.head,
            f"Camat {kec}, {camat}",
            f"{fill['kepala']}, {fill['kades']}",
            f"Bupati {KABUPATEN}, {BUPATI}",
        ),
        2,
    )
    resident = f"{rng.choice(WARGA)}, warga {desa}"
    dateline = rng.choice((KABUPATEN.upper(), kec.upper()))
    points = rng.sample(topic.points, rng.randint(4, 6))
    if rng.random() < 0.5:
        listing = "\n".join(f"- {p[0].upper()}{p[1:]};" for p in points)
    else:
        listing = "\n".join(f"{k}. {p[0].upper()}{p[1:]};" for k, p in enumerate(points, 1))
    listing = listing[:-1] + "."
    blocks = [
        f"{dateline} – {angle.lead.format_map(headline)} {_paragraph(bank, 2, fill)}",
        _paragraph(bank, 4, fill),
        _quote(rng, quotes[0].format_map(fill), speakers[0]) + " " + _paragraph(bank, 2, fill),
        f"## {headings[0]}",
        _paragraph(bank, 4, fill),
        rng.choice(LIST_INTROS).format_map(fill) + "\n\n" + listing,
        _paragraph(bank, 4, fill),
        f"## {headings[1]}",
        _paragraph(bank, 4, fill),
        _quote(rng, quotes[1].format_map(fill), speakers[1]) + " " + _paragraph(bank, 1, fill),
        f"> {quotes[2].format_map(fill)}.\n>\n> — {resident}",
        f"### {rng.choice(topic.subheadings)}",
        _paragraph(bank, 4, fill),
        _paragraph(bank, 3, fill) + " " + rng.choice(CLOSINGS).format_map(fill),
    ]
    return Story(
        title=angle.title.format_map(headline),
        description=angle.description.format_map(headline),
        categories=[f"Kecamatan {kec}", topic.category],
        tags=[*angle.tags, f"kecamatan-{kec.lower().replace(' ', '-')}"],
        alt=angle.alt,
        caption=f"{angle.caption.format_map(headline)}, {fill['hari']} ({fill['tgl']}).",
        credit=f"Foto: {rng.choice(FOTOGRAFER)}/Humas Kabupaten {KABUPATEN}",
        body="\n\n".join(blocks) + "\n",
    )


# ---- the photo -------------------------------------------------------------------------------

_NOISE: list[Image.Image] = []


def _noise() -> Image.Image:
    """Grain for every photo, the same in every run (made once: drawing it would be most of
    the cost of a photo)."""
    if not _NOISE:
        size = (1200, 800)
        grain = Image.frombytes("L", size, random.Random(7).randbytes(size[0] * size[1]))
        _NOISE.append(grain.convert("RGB"))
    return _NOISE[0]


def _colour(rng: random.Random, low: int, high: int) -> tuple[int, int, int]:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def jpeg(rng: random.Random, size: tuple[int, int] = (800, 450), quality: int = 80) -> bytes:
    """A real JPEG (about 70 KB at 800x450): sky, ground and blurred shapes with grain,
    different for every state of ``rng``."""
    width, height = size
    small = (width // 4, height // 4)
    sky = Image.linear_gradient("L").resize(small)
    image = Image.composite(
        Image.new("RGB", small, _colour(rng, 40, 150)),
        Image.new("RGB", small, _colour(rng, 110, 210)),
        sky,
    )
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(small[1] // 3, 2 * small[1] // 3)
    draw.rectangle((0, horizon, small[0], small[1]), fill=_colour(rng, 40, 160))
    for _ in range(rng.randint(10, 24)):
        x, y, s = rng.randrange(small[0]), rng.randrange(horizon - 20, small[1]), rng.randint(4, 30)
        box = (x, y, x + s, y + int(s * rng.uniform(0.5, 2)))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=_colour(rng, 0, 255))
        else:
            draw.rectangle(box, fill=_colour(rng, 0, 255))
    image = image.resize((width, height), Image.Resampling.BICUBIC)
    grain = _noise()
    left, top = rng.randrange(grain.width - width), rng.randrange(grain.height - height)
    image = Image.blend(image, grain.crop((left, top, left + width, top + height)), 0.10)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
