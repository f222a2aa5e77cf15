"""RSS 2.0 and JSON Feed 1.1 of the published news, with the office's time zone offset.

A corrected item keeps its first publication date; JSON Feed's ``date_modified`` is the
date its latest correction was approved (RSS has no such field), and both formats begin the
item's content (and RSS the description) with the Ralat: its date and signed note.

Each field is written as its format defines it: RSS ``description`` and ``content:encoded``
and JSON Feed ``content_html`` hold HTML (the item's text as the site shows it, already
sanitized; a plain-text summary is escaped for HTML first), the other fields plain text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from email.utils import format_datetime
from urllib.parse import quote, urljoin, urlsplit
from xml.sax.saxutils import escape, quoteattr

from warta.site.article import Article
from warta.site.catalogue import FEED_JSON, FEED_RSS
from warta.site.dates import rfc3339
from warta.site.text import esc

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_URL_ATTR = re.compile(r'(\s(?:src|href)=")([^"]*)(")')
_START_TAG = re.compile(r"<[A-Za-z][^>]*>")


@dataclass(frozen=True)
class Channel:
    title: str
    description: str
    site_url: str
    language: str = "id"

    @property
    def base(self) -> str:
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"

    def absolute(self, url: str) -> str:
        return urljoin(self.base, url)


def absolutize(html: str, page_url: str) -> str:
    """``html`` of the page at ``page_url`` (absolute) with its relative src/href made
    absolute, so that feed readers resolve images and links."""

    def fix(match: re.Match[str]) -> str:
        value = match.group(2)
        parts = urlsplit(value)
        if parts.scheme or value.startswith("//"):
            return match.group(0)
        return f"{match.group(1)}{urljoin(page_url, value)}{match.group(3)}"

    # only inside tags: a body's text may read 'src="…"' too, and stays as the site shows it
    return _START_TAG.sub(lambda tag: _URL_ATTR.sub(fix, tag.group(0)), html)


def _x(text: str) -> str:
    return escape(_XML_INVALID.sub("", text))


def _attr(text: str) -> str:
    return quoteattr(_XML_INVALID.sub("", text))


def _image_url(article: Article, channel: Channel) -> str | None:
    if article.image is None:
        return None
    # the signed file's name as a path of this site, percent-encoded as on the page: a
    # folder named '%2e%2e' is a folder, not a step up (found by an independent attack)
    return channel.absolute(article.folder_url + quote(article.image.src, safe="/"))


def ralat_html(article: Article, zone: tzinfo) -> str:
    """The item's corrections as HTML for feed readers (empty if it has none)."""
    return "".join(
        f"<p><strong>Ralat ({esc(rfc3339(r.at, zone)[:10])}):</strong> {esc(r.note)}</p>"
        for r in reversed(article.corrections)
    )


def rss(
    articles: Sequence[Article], channel: Channel, zone: tzinfo, bodies: Mapping[str, str]
) -> str:
    """RSS 2.0; dates in RFC 822 with the zone's offset (e.g. +0700 for WIB)."""
    self_url = channel.absolute(FEED_RSS)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n',
        f"<title>{_x(channel.title)}</title>\n",
        f"<link>{_x(channel.base)}</link>\n",
        f"<description>{_x(channel.description)}</description>\n",
        f"<language>{_x(channel.language)}</language>\n",
        f'<atom:link href={_attr(self_url)} rel="self" type="application/rss+xml"/>\n',
    ]
    if articles:
        latest = max(a.published for a in articles)
        out.append(f"<lastBuildDate>{format_datetime(latest.astimezone(zone))}</lastBuildDate>\n")
    for article in articles:
        link = channel.absolute(article.url)
        out.append("<item>\n")
        out.append(f"<title>{_x(article.title)}</title>\n")
        out.append(f"<link>{_x(link)}</link>\n")
        out.append(f'<guid isPermaLink="false">{_x(article.id)}</guid>\n')
        out.append(f"<pubDate>{format_datetime(article.published.astimezone(zone))}</pubDate>\n")
        ralat = ralat_html(article, zone)
        if article.description or ralat:
            out.append(f"<description>{_x(ralat + esc(article.description))}</description>\n")
        if article.reporter is not None:
            out.append(f"<dc:creator>{_x(article.reporter.name)}</dc:creator>\n")
        for name in dict.fromkeys(article.categories):
            out.append(f"<category>{_x(name)}</category>\n")
        body = bodies.get(article.src_uri)
        if body is not None:
            content = ralat + absolutize(body, link)
            out.append(f"<content:encoded>{_x(content)}</content:encoded>\n")
        out.append("</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def json_feed(
    articles: Sequence[Article], channel: Channel, zone: tzinfo, bodies: Mapping[str, str]
) -> str:
    """JSON Feed 1.1; dates in RFC 3339 with the zone's offset (e.g. +07:00 for WIB)."""
    items: list[dict[str, object]] = []
    for article in articles:
        link = channel.absolute(article.url)
        entry: dict[str, object] = {
            "id": article.id,
            "url": link,
            "title": article.title,
            "date_published": rfc3339(article.published, zone),
        }
        if article.updated is not None:
            entry["date_modified"] = rfc3339(article.updated, zone)
        ralat = ralat_html(article, zone)
        if article.description:
            entry["summary"] = article.description
        body = bodies.get(article.src_uri)
        if body is not None:
            entry["content_html"] = ralat + absolutize(body, link)
        elif ralat:
            entry["content_html"] = ralat + esc(article.description or article.title)
        else:
            entry["content_text"] = article.description or article.title
        image = _image_url(article, channel)
        if image is not None:
            entry["image"] = image
        if article.reporter is not None:
            entry["authors"] = [{"name": article.reporter.name}]
        tags = list(dict.fromkeys([*article.categories, *article.tags]))
        if tags:
            entry["tags"] = tags
        entry["language"] = channel.language
        items.append(entry)
    feed = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.base,
        "feed_url": channel.absolute(FEED_JSON),
        "description": channel.description,
        "language": channel.language,
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"
