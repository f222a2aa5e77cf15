"""Sharing and discovery on an item page: the Open Graph, Twitter card and JSON-LD
``NewsArticle`` tags of its ``<head>``, the "Bagikan" row of share links, and the related
news under it.

Every value comes from the item's signed fields (title, description, lead photo, day,
categories), its signoffs (when it was approved and corrected, who wrote it, by the roster's
name) and the signed ``mkdocs.yml`` (the site's name, address and logo): never from anything
unsigned. The templates (``item_head.html``, ``item.html``) escape every value; the JSON-LD
is serialized by :func:`warta.site.text.json_script`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from urllib.parse import quote, urljoin

from warta.site.article import Article
from warta.site.dates import rfc3339
from warta.site.imagesize import Size
from warta.site.markup import render

#: How many related news an item page lists at most.
RELATED = 3
LOCALE = "id_ID"
LANGUAGE = "id"
#: The services' own share addresses (plain links: no script or request of theirs).
WHATSAPP = "https://wa.me/?"
FACEBOOK = "https://www.facebook.com/sharer/sharer.php?"
X_POST = "https://x.com/intent/post?"
TELEGRAM = "https://t.me/share/url?"


@dataclass(frozen=True)
class Site:
    """What the signed ``mkdocs.yml`` says of the site: its name, its address (``site_url``,
    '' if none) and its logo (``theme.logo``, '' if none)."""

    name: str
    url: str = ""
    logo: str = ""

    @property
    def base(self) -> str:
        """``site_url`` ending in '/', or '' without one."""
        if not self.url:
            return ""
        return self.url if self.url.endswith("/") else self.url + "/"

    def absolute(self, path: str) -> str:
        """The absolute URL of the site path ``path`` (percent-encoded), '' without a
        ``site_url``."""
        return urljoin(self.base, quote(path, safe="/")) if self.base else ""

    @property
    def logo_url(self) -> str:
        if not self.logo or not self.base:
            return ""
        return urljoin(self.base, quote(self.logo, safe="/:"))


@dataclass(frozen=True)
class Photo:
    url: str
    alt: str
    size: Size | None


@dataclass(frozen=True)
class HeadView:
    """The item's tags for link previews and search engines (``item_head.html``)."""

    title: str
    description: str
    url: str
    site_name: str
    locale: str
    published: str
    modified: str
    section: str
    photo: Photo | None
    linked_data: dict[str, object]


@dataclass(frozen=True)
class ShareLink:
    service: str
    label: str
    href: str


@dataclass(frozen=True)
class ShareRow:
    """The "Bagikan" row: the page's address (to copy) and a link per service."""

    url: str
    links: tuple[ShareLink, ...]


def modified(article: Article) -> datetime:
    """When the item last changed as published: its latest Ralat's approval, else the
    approval it was first published with."""
    return article.updated or article.published


def _photo(article: Article, site: Site, size: Size | None) -> Photo | None:
    image = article.image
    if image is None or not site.base:
        return None
    return Photo(site.absolute(article.folder_url + image.src), image.alt, size)


def linked_data(
    article: Article, site: Site, zone: tzinfo, photo: Photo | None
) -> dict[str, object]:
    """The schema.org ``NewsArticle`` of the item, as JSON values."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.description,
        "datePublished": rfc3339(article.published, zone),
        "dateModified": rfc3339(modified(article), zone),
        "inLanguage": LANGUAGE,
        "isAccessibleForFree": True,
    }
    if article.categories:
        data["articleSection"] = article.categories[0]
    if article.reporter is not None:
        data["author"] = {"@type": "Person", "name": article.reporter.name}
    publisher: dict[str, object] = {"@type": "Organization", "name": site.name}
    if site.logo_url:
        publisher["logo"] = {"@type": "ImageObject", "url": site.logo_url}
    data["publisher"] = publisher
    if photo is not None:
        image: dict[str, object] = {"@type": "ImageObject", "url": photo.url}
        if photo.size is not None:
            image["width"] = photo.size.width
            image["height"] = photo.size.height
        data["image"] = image
    url = site.absolute(article.url)
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": url}
    return data


def head_view(article: Article, site: Site, zone: tzinfo, size: Size | None = None) -> HeadView:
    """The head tags of ``article``'s page; ``size``: its lead photo's, read from the
    signed bytes (None if unknown)."""
    photo = _photo(article, site, size)
    return HeadView(
        title=article.title,
        description=article.description,
        url=site.absolute(article.url),
        site_name=site.name,
        locale=LOCALE,
        published=rfc3339(article.published, zone),
        modified=rfc3339(modified(article), zone),
        section=article.categories[0] if article.categories else "",
        photo=photo,
        linked_data=linked_data(article, site, zone, photo),
    )


def head_html(article: Article, site: Site, zone: tzinfo, size: Size | None = None) -> str:
    """The markup ``main.html`` prints in the ``<head>`` of ``article``'s page."""
    return render("item_head.html", v=head_view(article, site, zone, size))


def _value(text: str) -> str:
    """``text`` as a value in a query (as ``urlencode`` with ``quote`` makes it: every
    character but letters, digits and ``_.-~`` percent-encoded, a space as ``%20``). Each
    value is encoded once for the four links."""
    return quote(text, safe="")


def share_row(article: Article, site: Site) -> ShareRow | None:
    """Links that share the page's canonical address (None without a ``site_url``: a
    relative address cannot be shared)."""
    url = site.absolute(article.url)
    if not url:
        return None
    link, title = _value(url), _value(article.title)
    return ShareRow(
        url,
        (
            ShareLink("whatsapp", "WhatsApp", f"{WHATSAPP}text={title}%20{link}"),
            ShareLink("facebook", "Facebook", f"{FACEBOOK}u={link}"),
            ShareLink("x", "X", f"{X_POST}url={link}&text={title}"),
            ShareLink("telegram", "Telegram", f"{TELEGRAM}url={link}&text={title}"),
        ),
    )
