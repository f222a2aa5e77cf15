"""The ``warta`` MkDocs plugin: the publishing gate inside the build.

mkdocs.yml excludes ``berita/`` (fail closed: without this plugin no news is built). In
``on_files``, before any other plugin, the plugin runs the validator and re-admits exactly the
publishable items with the files in their folders; every other file under ``berita/`` leaves
the build. It then adds the generated pages (news list, archive, categories, reporters, SOP)
built by :mod:`warta.site` from the verified items only, and in ``on_env`` the feeds. An item
with a file beside it that a browser would run (HTML, script, an SVG with script) stays out.

Every item page's rendered body passes :class:`warta.site.sanitize.Policy` before anything
(the page, the search index, the feeds) sees it: signed is not the same as harmless.

Validation errors are logged as warnings, so ``mkdocs build --strict`` fails with the
validator's findings while a plain build leaves those items out; validator warnings (demo
keys, an unpinned trust root, Mutu Baku exceeded) are logged as info and never fail a build.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from warta.errors import ConfigError, WartaError
from warta.mkdocs_plugin.config import WartaPluginConfig
from warta.project import Project, check_project, load_project
from warta.site import assets, feeds, gate, item_page, pages
from warta.site.article import Article, build_article
from warta.site.catalogue import FEED_JSON, FEED_RSS, Catalogue
from warta.site.sanitize import Policy, text_only
from warta.site.sop_page import sop_page
from warta.site.text import esc
from warta.validate import Report, Verdict

log = logging.getLogger("mkdocs.plugins.warta")

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
CSS = "assets/warta/warta.css"
DOCS = "content"
NEWS = gate.NEWS_PREFIX
HOME_MARKER = "<!-- warta:berita-terbaru -->"
#: A Mermaid diagram on a (non-item) page: the theme loads the vendored Mermaid there.
MERMAID = re.compile(r'class="(?:[^"]* )?mermaid[ "]')
#: A path every item has; mkdocs.yml's exclude_docs must match it (fail closed).
PROBE = f"{NEWS}2000/contoh/index.md"


@dataclass
class _Build:
    """What one build learned in on_files, for the later events."""

    project: Project
    report: Report
    catalogue: Catalogue
    articles: dict[str, Article]
    selection: gate.Selection
    #: Items the validator cleared that stay out for a file beside them (docs paths).
    withheld: frozenset[str]
    generated: set[str] = field(default_factory=set)
    bodies: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, File] = field(default_factory=dict)


class WartaPlugin(BasePlugin[WartaPluginConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        #: Set only by ``warta preview`` (never by mkdocs.yml): show drafts with a banner.
        self.preview = False
        self._build: _Build | None = None
        self._policy = Policy()

    # ---- configuration -------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._build = None
        root = _root(config)
        if Path(config.docs_dir).resolve() != (root / DOCS).resolve():
            raise PluginError(
                f"warta: docs_dir must be '{DOCS}' (news items are read from {DOCS}/{NEWS});"
                f" found {config.docs_dir!r}"
            )
        if not config.use_directory_urls:
            raise PluginError("warta: use_directory_urls must be true; found false")
        if not config.site_url:
            raise PluginError(
                "warta: site_url must be set; the feeds and the sitemap need absolute URLs"
            )
        exclude = config.exclude_docs
        if exclude is None or not exclude.match_file(PROBE):
            raise PluginError(
                f"warta: mkdocs.yml must exclude the news folder (exclude_docs: /{NEWS}) so"
                " that a build without this plugin publishes no news; this plugin re-admits"
                " the verified items"
            )
        theme_dir = str(THEME_DIR)
        if theme_dir not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        try:
            self._policy = Policy.of(self.config.embed_hosts)
        except ValueError as exc:
            raise PluginError(f"warta: embed_hosts: {exc}") from exc
        if CSS not in config.extra_css:
            config.extra_css.append(CSS)
        config.extra["warta_preview"] = self.preview
        return config

    # ---- the gate ----------------------------------------------------------------------
    @event_priority(100)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        project = self._load(config)
        step = self.config.reporter_step
        if project.sop.step(step) is None:
            steps = ", ".join(s.id for s in project.sop.steps)
            raise PluginError(
                f"warta: reporter_step {step!r} is not a step of workflow/sop.yml;"
                f" expected one of: {steps}"
            )
        report = check_project(project)
        _log_report(report)
        articles = self._articles(project, report)
        selection, withheld = self._select(files, articles)
        strays = _strays(report, Path(config.docs_dir))
        for file in list(files):
            if not file.src_uri.startswith(NEWS):
                why = strays(file)
                if why:
                    files.remove(file)
                    log.warning(f"warta: tidak dipublikasikan: {DOCS}/{file.src_uri} ({why})")
                continue
            if selection.admits(file.src_uri):
                is_page = file.is_documentation_page()
                file.inclusion = InclusionLevel.NOT_IN_NAV if is_page else InclusionLevel.INCLUDED
            else:
                files.remove(file)
        catalogue = Catalogue.of(articles.values())
        state = _Build(project, report, catalogue, articles, selection, withheld)
        generated = [
            *pages.news_pages(catalogue, self.config.per_page),
            *pages.archive_pages(catalogue),
            *pages.category_pages(catalogue),
            *pages.reporter_pages(catalogue),
            sop_page(project.sop),
        ]
        for page in generated:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                raise PluginError(
                    f"warta: {DOCS}/{page.src_uri} conflicts with the generated page"
                    f" '{page.title}'; remove or move it"
                )
            files.append(
                File.generated(
                    config,
                    page.src_uri,
                    content=page.markdown(),
                    inclusion=InclusionLevel.NOT_IN_NAV,
                )
            )
            state.generated.add(page.src_uri)
        for name in (FEED_RSS, FEED_JSON):
            # Present now so that links to the feeds resolve; filled in on_env, when every
            # item's body has been rendered.
            feed = File.generated(config, name, content="", inclusion=InclusionLevel.INCLUDED)
            files.append(feed)
            state.feeds[name] = feed
        self._build = state
        log.info(
            f"warta: {len(articles)} berita diterbitkan"
            f"{' (pratinjau, termasuk draf)' if self.preview else ''};"
            f" {len(selection.dropped)} berkas di {NEWS} tidak ikut"
        )
        return files

    def _load(self, config: MkDocsConfig) -> Project:
        try:
            return load_project(_root(config), pin=self.config.trust_root, cache=self.config.cache)
        except ConfigError as exc:
            found = "".join(
                f"\n  {f.location()}: {f.severity.value} [{f.rule}] {f.message}"
                for f in exc.findings
            )
            raise PluginError(f"warta: {exc.message}{found}") from exc
        except WartaError as exc:
            raise PluginError(f"warta: {exc.message}") from exc

    def _select(
        self, files: Files, articles: dict[str, Article]
    ) -> tuple[gate.Selection, frozenset[str]]:
        """The gate's selection, after leaving out (from ``articles`` too) every item with a
        file beside it that the site may not serve; and those items' paths."""
        uris = [f.src_uri for f in files]
        selection = gate.select(uris, articles)
        by_uri = {f.src_uri: f for f in files}
        refused = assets.refusals(selection.owners, lambda uri: by_uri[uri].content_bytes)
        for page, reasons in refused.items():
            del articles[page]
            for reason in reasons:
                log.warning(f"warta: {DOCS}/{page}: [asset] {reason}")
            log.warning(
                f"warta: tidak dipublikasikan: {DOCS}/{page} (berkas di foldernya tidak boleh"
                " diterbitkan)"
            )
        withheld = frozenset(f"{DOCS}/{page}" for page in refused)
        return (gate.select(uris, articles) if refused else selection), withheld

    def _articles(self, project: Project, report: Report) -> dict[str, Article]:
        """Articles by docs-relative path: the publishable items (and, in a preview, drafts)."""
        out: dict[str, Article] = {}
        prefix = f"{DOCS}/"
        for verdict in report.verdicts:
            shown = verdict.publishable or self.preview
            if not shown or verdict.item is None or not verdict.path.startswith(prefix):
                continue
            src_uri = verdict.path[len(prefix) :]
            article, notes = build_article(
                verdict.item,
                src_uri=src_uri,
                sop=project.sop,
                roster=project.roster,
                zone=project.context.zone,
                reporter_step=self.config.reporter_step,
                draft=not verdict.publishable,
                problems=_problems(verdict),
            )
            for note in notes:
                log.warning(f"warta: {verdict.path}: {note}")
            if article is not None:
                out[src_uri] = article
        return out

    # ---- pages -------------------------------------------------------------------------
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        state = self._state()
        uri = page.file.src_uri
        article = state.articles.get(uri)
        if article is not None:
            # Render exactly what was verified; MkDocs' own reading of the front-matter is
            # replaced (the theme prints meta values unescaped, so they are escaped here).
            page.meta = {
                "title": esc(article.title),
                "description": esc(article.description),
                "warta_draft": article.draft,
            }
            return article.body
        if uri.startswith(NEWS) and uri not in state.generated:
            raise PluginError(f"warta: {DOCS}/{uri} reached the build without being verified")
        if page.is_homepage and HOME_MARKER in markdown:
            return markdown.replace(
                HOME_MARKER, pages.latest_block(state.catalogue, self.config.home_items)
            )
        return None

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        state = self._state()
        article = state.articles.get(page.file.src_uri)
        if article is None:
            if MERMAID.search(html):
                page.meta["warta_mermaid"] = True  # main.html then loads the local copy
            return None
        body = self._policy.clean(html)
        _clean_toc(page.toc)
        state.bodies[article.src_uri] = body
        project = state.project
        return item_page.item_html(
            article,
            body,
            sop=project.sop,
            zone=project.context.zone,
            trust_fingerprint=project.trust.fingerprint,
            catalogue=state.catalogue,
        )

    # ---- last gate and feeds -------------------------------------------------------------
    @event_priority(-100)
    def on_env(
        self, env: Environment, /, *, config: MkDocsConfig, files: Files
    ) -> Environment | None:
        state = self._state()
        for file in list(files):
            uri = file.src_uri
            if uri.startswith(NEWS) and not (state.selection.admits(uri) or uri in state.generated):
                log.warning(f"warta: removed {DOCS}/{uri}, added to the build after the gate")
                files.remove(file)
        channel = feeds.Channel(
            title=config.site_name,
            description=config.site_description or config.site_name,
            site_url=config.site_url or "",
        )
        chosen = state.catalogue.latest(self.config.feed_items)
        zone = state.project.context.zone
        state.feeds[FEED_RSS].content_string = feeds.rss(chosen, channel, zone, state.bodies)
        state.feeds[FEED_JSON].content_string = feeds.json_feed(chosen, channel, zone, state.bodies)
        return env

    @property
    def report(self) -> Report | None:
        """The validator's report of the last build (None before on_files)."""
        return self._build.report if self._build is not None else None

    @property
    def withheld(self) -> frozenset[str]:
        """Paths of cleared items the last build left out for an unsafe file beside them."""
        return self._build.withheld if self._build is not None else frozenset()

    def _state(self) -> _Build:
        if self._build is None:
            raise PluginError("warta: the gate did not run (on_files); refusing to build")
        return self._build


def _strays(report: Report, docs: Path) -> Callable[[File], str | None]:
    """Why a file outside the news folder must stay out, or None: a news item found outside
    it (the validator's ``item.outside-news``), or a path that leads into the news folder
    through a symbolic link (MkDocs follows links; the gate judges only the real path)."""
    flagged = {
        v.path.removeprefix(f"{DOCS}/")
        for v in report.verdicts
        if not v.path.startswith(f"{DOCS}/{NEWS}") and not v.publishable
    }
    news = (docs / NEWS).resolve()

    def why(file: File) -> str | None:
        if file.src_uri in flagged:
            return "berita di luar content/berita/"
        source = file.abs_src_path
        if source is not None and Path(source).resolve().is_relative_to(news):
            return "tautan simbolis ke dalam content/berita/"
        return None

    return why


def _root(config: MkDocsConfig) -> Path:
    if not config.config_file_path:
        raise PluginError("warta: mkdocs.yml's location is unknown")
    return Path(config.config_file_path).resolve().parent


def _clean_toc(links: Iterable[AnchorLink]) -> None:
    """Headings in the page's table of contents as text, their anchors escaped."""
    for link in links:
        link.title = text_only(link.title)
        link.id = esc(link.id)
        _clean_toc(link.children)


def _problems(verdict: Verdict) -> list[str]:
    return [f"{f.location()}: [{f.rule}] {f.message}" for f in verdict.findings if f.is_error]


def _log_report(report: Report) -> None:
    """Errors as warnings (``--strict`` fails on them), everything else as info."""
    for finding in report.workflow:
        text = f"warta: {finding.location()}: [{finding.rule}] {finding.message}"
        (log.warning if finding.is_error else log.info)(text)
    if any(f.is_error for f in report.workflow):
        log.warning("warta: the workflow files are not trusted, so no news item is published")
    for verdict in report.verdicts:
        errors = [f for f in verdict.findings if f.is_error]
        for finding in verdict.findings:
            text = f"warta: {finding.location()}: [{finding.rule}] {finding.message}"
            (log.warning if finding.is_error else log.info)(text)
        if verdict.publishable:
            continue
        if errors:
            log.warning(f"warta: tidak dipublikasikan: {verdict.path} ({len(errors)} kesalahan)")
        else:
            log.info(
                f"warta: tidak dipublikasikan: {verdict.path}: status {verdict.status!r},"
                " belum disetujui"
            )
