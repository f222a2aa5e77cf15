"""Options of the ``warta`` MkDocs plugin (``plugins: - warta: {...}`` in mkdocs.yml)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig

from warta.adapters.siteconfig import SiteConfig, plain
from warta.adapters.sitemanifest import CONFIG_FILE
from warta.i18n import _
from warta.model.findings import Finding, error
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


#: Top-level keys of mkdocs.yml whose checking by MkDocs loads code or a theme: Warta's own
#: reading of the file checks them (siteconfig.py), and the warta plugin's options below.
_LOADING = frozenset({"plugins", "hooks", "theme", "markdown_extensions"})


def config_problems(root: Path, site: SiteConfig) -> list[Finding]:
    """What MkDocs would refuse in ``site`` (the mkdocs.yml of the repository at ``root``),
    each at its line: the warta plugin's options, and the keys whose checking runs no code
    (``nav``, ``validation``, ``site_url`` …). An administrator signed a value of the wrong
    type, such as ``feed_items: "x"``, that every build then refused without a line (found by
    an independent attack)."""
    out: list[Finding] = []
    options = WartaPluginConfig()
    options.load_dict(dict(site.warta))
    errors, _warnings = options.validate()
    for name, problem in errors:
        out.append(_problem(_line_of(site.warta, name, site.data.line_of("plugins")),
                            f"plugins: warta: {name}", problem))
    config = MkDocsConfig(config_file_path=str(root / CONFIG_FILE))
    # (no name is imported here: an administrator's trust sign checks a branch's
    # configuration with this before anything is signed, and an unsigned allow list named
    # a module whose import ran a program; found by an independent attack)
    config.load_dict(
        {k: v for k, v in plain(site.data, frozenset()).items() if k not in _LOADING}
    )
    errors, _warnings = config.validate()
    for name, problem in errors:
        out.append(_problem(site.data.line_of(name), name, problem))
    return out


def _line_of(options: object, name: str, default: int) -> int:
    line_of = getattr(options, "line_of", None)
    found = line_of(name) if callable(line_of) else None
    return found if isinstance(found, int) else default


def _problem(line: int, name: str, problem: Exception) -> Finding:
    return error(
        CONFIG_FILE,
        line,
        "site.config",
        _("MkDocs refuses {name}: {problem}; expected a value MkDocs builds with").format(
            name=name, problem=problem
        ),
    )
