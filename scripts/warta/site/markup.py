"""Warta's HTML templates (the package folder ``warta/site/templates/``), rendered with
autoescape from small view models.

The templates are read from the installed package by a Jinja environment of Warta's own,
never through MkDocs' theme loader: a site's ``custom_dir`` (or another theme) cannot replace
the templates that print item bodies, provenance and the lists, whatever files it holds.

Every ``{{ … }}`` prints its value escaped as :func:`warta.site.text.esc` escapes it (the
titles in ``page.meta`` are escaped that way too, so a text reads the same in a page's
``<title>`` and its heading); a value that is already :class:`~markupsafe.Markup` is printed
as it is. The only such value a caller hands in is an item's body, sanitized by the HTML
allowlist, in one place (:func:`warta.site.item_page.item_html`). Whatever escapes by other
means (a ``|join`` of texts, ``~``) is still escaped, by Jinja's autoescape. The one filter
that makes Markup, ``json_script``, prints JSON for a ``<script>`` element with every '<',
'>' and '&' as a ``\\u`` escape (:func:`warta.site.text.json_script`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from warta.site.text import esc, json_script


def _escaped(value: object) -> object:
    """The value an expression prints: Markup as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value
    return Markup(esc(value))


@cache
def environment() -> Environment:
    """The one environment of the site's templates: autoescape, undefined names fail."""
    env = Environment(
        loader=PackageLoader("warta.site", "templates"),
        autoescape=True,
        finalize=_escaped,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["json_script"] = _json_script
    return env


def _json_script(value: object) -> Markup:
    return Markup(json_script(value))


def render(template: str, **context: object) -> str:
    """``template`` (a file name under ``warta/site/templates/``) rendered with ``context``."""
    return environment().get_template(template).render(**context)


def macro(template: str, name: str) -> Callable[..., Markup]:
    """The macro ``name`` of ``template``, to be called from Python (what it prints is
    escaped as every template's output is)."""
    found: Callable[..., Markup] = getattr(environment().get_template(template).module, name)
    return found
