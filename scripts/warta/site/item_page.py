"""The parts the site adds around an item's own text: header with Indonesian date, the Ralat
box of a corrected item, the lead photo with caption and credit, the provenance box, links to
neighbouring news, and (only in a reviewer's preview) the draft banner."""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Mapping
from datetime import tzinfo

from warta.model.pin import Pin, PinSource
from warta.model.sop import Sop
from warta.site.article import Article
from warta.site.catalogue import SOP, Catalogue
from warta.site.dates import moment_label, rfc3339
from warta.site.pages import meta_line
from warta.site.text import esc, relative_url

DRAFT_TEXT = "DRAF - tidak untuk dipublikasikan"
#: Where the pin in force came from, as the provenance box says it.
PIN_SOURCES = {
    PinSource.OPTION: "dipatok dengan opsi <code>--trust-root</code> saat situs dibangun",
    PinSource.ENVIRONMENT: (
        "dipatok dengan variabel lingkungan <code>WARTA_TRUST_ROOT</code> saat situs dibangun"
    ),
    PinSource.USER_FILE: "dipatok dalam berkas pin pengguna di luar repositori",
    PinSource.TOFU: (
        "tidak dipatok: dipercaya sejak pemakaian pertama (TOFU) di mesin yang membangun situs"
    ),
}


def header(article: Article, catalogue: Catalogue) -> str:
    reporter = ""
    if article.reporter is not None:
        href = relative_url(catalogue.reporter_url(article.reporter), article.url)
        reporter = (
            f'<p class="warta-byline">Penulis: <a href="{esc(href)}">'
            f"{esc(article.reporter.name)}</a></p>"
        )
    return (
        '<header class="warta-item__header">'
        f"<h1>{esc(article.title)}</h1>"
        f"{meta_line(article, catalogue, article.url)}{reporter}</header>"
    )


def lead_figure(article: Article) -> str:
    image = article.image
    if image is None:
        return ""
    src = relative_url(article.folder_url + image.src, article.url)
    caption = esc(image.caption)
    if image.credit:
        caption += f' <span class="warta-credit">{esc(image.credit)}</span>'
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return (
        f'<figure class="warta-lead"><img src="{esc(src)}" alt="{esc(image.alt)}">'
        f"{figcaption}</figure>"
    )


def verify_command(article: Article, trust_fingerprint: str) -> str:
    """The one command that re-checks this item from a clone of the repository."""
    return (
        f"warta verify {shlex.quote(article.src_path)}"
        f" --trust-root {shlex.quote(trust_fingerprint)}"
    )


def pin_row(pin: Pin) -> str:
    """The pin in force and where it came from (never the repository)."""
    source = PIN_SOURCES[pin.source]
    if pin.source is PinSource.TOFU and pin.since:
        source += f", dicatat {esc(pin.since[:10])}"
    return f'<code class="warta-digest">{esc(pin.fingerprint)}</code> ({source})'


def provenance(
    article: Article,
    *,
    sop: Sop,
    zone: tzinfo,
    trust_fingerprint: str,
    catalogue: Catalogue,
    files: Mapping[str, str] | None = None,
    pin: Pin | None = None,
) -> str:
    """Who approved the item and when, the signed content digest and how to verify it."""
    approval = article.approval
    rows: list[tuple[str, str]] = []
    if approval is not None:
        rows.append(
            (
                "Disetujui oleh",
                f"{esc(approval.signer.name)}, {esc(approval.signer.role)}",
            )
        )
        rows.append(
            (
                "Waktu persetujuan",
                f'<time datetime="{rfc3339(approval.at, zone)}">'
                f"{esc(moment_label(approval.at, zone))}</time>",
            )
        )
        if approval.note.strip():
            rows.append(("Catatan persetujuan", esc(approval.note.strip())))
    if article.reporter is not None:
        rows.append(("Ditulis oleh", f"{esc(article.reporter.name)}, {esc(article.reporter.role)}"))
    changed = article.text_changed
    if changed is not None:
        rows.append(
            (
                "Teks terakhir diubah",
                f"langkah {changed.number}. {esc(changed.step)} oleh {esc(changed.signer.name)}"
                f" ({esc(changed.signer.role)}), "
                f'<time datetime="{rfc3339(changed.at, zone)}">'
                f"{esc(moment_label(changed.at, zone))}</time>",
            )
        )
    if article.revision > 1:
        rows.append(("Revisi", str(article.revision)))
    if approval is not None:
        rows.append(("Digest isi", f'<code class="warta-digest">{esc(approval.content)}</code>'))
    if pin is not None:
        rows.append(("Akar kepercayaan", pin_row(pin)))
    sop_href = relative_url(SOP, article.url)
    rows.append(
        (
            "Prosedur",
            f'<a href="{esc(sop_href)}">{esc(sop.identity.number)} {esc(sop.identity.name)}</a>',
        )
    )
    details = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    trail = "".join(
        f"<li><strong>{step.number}. {esc(step.step)}</strong> — {esc(step.signer.name)}"
        f" ({esc(step.signer.role)}), "
        f'<time datetime="{rfc3339(step.at, zone)}">{esc(moment_label(step.at, zone))}</time>'
        "</li>"
        for step in article.trail
    )
    listed = ""
    if files:
        folder = posixpath.dirname(article.src_uri) + "/"
        rows_html = "".join(
            f"<li><code>{esc(uri.removeprefix(folder))}</code>"
            f' <code class="warta-digest">{esc(digest)}</code></li>'
            for uri, digest in sorted(files.items())
        )
        listed = (
            f"<details><summary>Berkas yang ditandatangani ({len(files)})</summary>"
            f'<ul class="warta-files">{rows_html}</ul></details>'
        )
    command = esc(verify_command(article, trust_fingerprint))
    title = "Asal-usul berita ini"
    if article.draft:
        title = "Jejak SOP (DRAF: belum lolos pemeriksaan, tidak sah untuk terbit)"
    return (
        '<aside class="warta-provenance" data-search-exclude>'
        f'<p class="warta-provenance__title">{title}</p>'
        f"<dl>{details}</dl>"
        "<p>Setiap langkah SOP ditandatangani secara digital. Siapa pun dapat memeriksanya"
        " dari salinan (clone) repositori:</p>"
        f'<pre class="warta-verify"><code>{command}</code></pre>'
        f"<details><summary>Langkah SOP yang ditandatangani ({len(article.trail)})</summary>"
        f'<ol class="warta-trail">{trail}</ol></details>'
        f"{listed}"
        "</aside>"
    )


def neighbours(article: Article, catalogue: Catalogue) -> str:
    """Links to the next older and newer news, among what the catalogue holds."""
    older, newer = catalogue.neighbours(article)
    links = []
    if newer is not None:
        href = relative_url(newer.url, article.url)
        links.append(
            f'<a class="warta-neighbour warta-neighbour--newer" rel="prev" href="{esc(href)}">'
            f"<span>Berita sesudahnya</span> {esc(newer.title)}</a>"
        )
    if older is not None:
        href = relative_url(older.url, article.url)
        links.append(
            f'<a class="warta-neighbour warta-neighbour--older" rel="next" href="{esc(href)}">'
            f"<span>Berita sebelumnya</span> {esc(older.title)}</a>"
        )
    if not links:
        return ""
    return (
        '<nav class="warta-neighbours" aria-label="Berita lain" data-search-exclude>'
        + "".join(links)
        + "</nav>"
    )


def ralat_box(article: Article, zone: tzinfo) -> str:
    """The corrections of the item, newest first, above its text: the date the corrected
    text was approved, the signed note, and the digest of the version it replaced (as text:
    the old version is never served)."""
    if not article.corrections:
        return ""
    entries = "".join(
        '<div class="warta-ralat__entry">'
        f'<p class="warta-ralat__head"><strong>Ralat</strong>, <time'
        f' datetime="{esc(rfc3339(ralat.at, zone))}">{esc(moment_label(ralat.at, zone))}'
        "</time></p>"
        f'<p class="warta-ralat__note">{esc(ralat.note)}</p>'
        '<p class="warta-ralat__previous">Versi sebelumnya:'
        f" <code>{esc(ralat.previous)}</code></p></div>"
        for ralat in reversed(article.corrections)
    )
    return f'<aside class="warta-ralat" role="note" aria-label="Ralat">{entries}</aside>'


def draft_banner(article: Article, sop: Sop) -> str:
    """The unmissable banner on every unpublished page of a preview."""
    signed = len(article.trail)
    waiting = sop.next_step(signed) if signed <= sop.gate_index else None
    state = f"Status: {esc(article.status)}"
    if waiting is not None:
        role = sop.roles[waiting.role]
        state += f"; menunggu langkah {waiting.number}. {esc(waiting.id)} ({esc(role.short)})"
    problems = "".join(f"<li>{esc(p)}</li>" for p in article.problems)
    listed = f"<ul>{problems}</ul>" if problems else ""
    return (
        '<div class="warta-draft" role="alert">'
        f"<strong>{DRAFT_TEXT}</strong><p>{state}</p>{listed}</div>"
    )


def item_html(
    article: Article,
    body_html: str,
    *,
    sop: Sop,
    zone: tzinfo,
    trust_fingerprint: str,
    catalogue: Catalogue,
    files: Mapping[str, str] | None = None,
    pin: Pin | None = None,
) -> str:
    """The whole content of an item page around the rendered body."""
    banner = draft_banner(article, sop) if article.draft else ""
    return (
        banner
        + header(article, catalogue)
        + ralat_box(article, zone)
        + lead_figure(article)
        + f'<div class="warta-body">{body_html}</div>'
        + provenance(
            article,
            sop=sop,
            zone=zone,
            trust_fingerprint=trust_fingerprint,
            catalogue=catalogue,
            files=files,
            pin=pin,
        )
        + neighbours(article, catalogue)
    )
