"""Options of the ``warta`` MkDocs plugin (``plugins: - warta: {...}`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from warta.site.sanitize import DEFAULT_EMBED_HOSTS


class WartaPluginConfig(base.Config):  # type: ignore[no-untyped-call]
    #: The SOP step whose signer is the item's reporter (the writing step).
    #: the SOP step whose signer is an item's reporter (default: the writing step, the
    #: first that may change the text)
    reporter_step = c.Optional(c.Type(str))
    #: News per page of every list: the news list, an archive month, a category, a reporter.
    per_page = c.Type(int, default=10)
    #: Latest news on the home page.
    home_items = c.Type(int, default=6)
    #: News in the RSS and JSON feeds.
    feed_items = c.Type(int, default=20)
    #: Remember verified signatures and verdicts in this user's cache folder.
    cache = c.Type(bool, default=True)
    #: Hosts (with an optional path prefix) whose players an item may embed in an <iframe>.
    embed_hosts = c.ListOfItems(c.Type(str), default=list(DEFAULT_EMBED_HOSTS))
    #: Publish the page "Kinerja layanan" (aggregates of the verified records, no names).
    kinerja = c.Type(bool, default=False)
