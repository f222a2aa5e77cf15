"""The ``warta`` MkDocs plugin: the publishing gate inside the build, and nothing more.

mkdocs.yml excludes ``berita/`` (fail closed: without this plugin no news is built). In
``on_config`` the plugin reads and judges the repository through the one pipeline
(:mod:`warta.repository`; ``warta build`` hands it over already judged) and stages the
publication closure (:mod:`warta.publish`) into a fresh folder that becomes MkDocs'
``docs_dir``: the site's own files an administrator signed, each copied only if its bytes have
the signed SHA-256. The files approved items list are read, checked against their signed
digest and written into the output as the build copies them
(:class:`~warta.mkdocs_plugin.files.VerifiedFile`). MkDocs never walks the repository. In
``on_files`` the approved items join as pages whose body is the HTML the validator judged
(rendered once with the signed Markdown configuration, through the HTML allowlist), with the
generated pages (news list, archive, categories, reporters, SOP) and feeds. Item pages and
generated pages reach MkDocs with empty Markdown: ``on_page_content`` gives their HTML,
rendered from Warta's own templates (:mod:`warta.site.markup`). What an earlier build made
of an unchanged body, item page or list is taken from this user's cache folder
(:mod:`warta.adapters.rendercache`, :mod:`~warta.mkdocs_plugin.searchcache`,
:mod:`~warta.mkdocs_plugin.pagecache`). In ``on_post_build`` every file of the output is
accounted for; anything else is removed and logged as an error (``--strict`` fails on it).

Findings that block publication (:mod:`warta.model.policy`: errors; under ``--strict``
warnings too) are logged as MkDocs warnings, so ``mkdocs build --strict`` fails with them
while a plain build leaves those items out; the others (warnings of a plain build, notices
such as Mutu Baku exceeded) are logged as info and never fail a build.
"""

from __future__ import annotations

import contextlib
import logging
import os
import posixpath
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import mkdocs
from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc
from mkdocs.utils.templates import TemplateContext

from warta.adapters import safefs
from warta.adapters.cachekey import cache_secret, repo_cache_dir
from warta.adapters.photostore import CopyStore, digest_of
from warta.adapters.recordfile import CachePlace, Spool
from warta.adapters.render import Rendered
from warta.adapters.siteconfig import PROBE
from warta.adapters.sitemanifest import CONFIG_FILE, SITE_MANIFEST_PATH
from warta.adapters.theme import material_dir
from warta.adapters.trust import TRUST_ROOT_PATH
from warta.bulk import default_jobs
from warta.errors import ConfigError, WartaError
from warta.i18n import _, ngettext
from warta.mkdocs_plugin.config import WartaPluginConfig
from warta.mkdocs_plugin.files import ItemFile, VerifiedFile
from warta.mkdocs_plugin.htmlcache import Deferred, PageHtml
from warta.mkdocs_plugin.keptoutput import KeptOutput, remove_entry
from warta.mkdocs_plugin.pagecache import CACHED, KNOWN_PLUGINS, UNCHANGED, PageCache, page_bytes
from warta.mkdocs_plugin.photofiles import Photos, make_photos
from warta.mkdocs_plugin.prerender import Prerender, Scene, can_fork, held
from warta.mkdocs_plugin.searchcache import (
    SearchEntries,
    quicken,
    search_index,
    stream_index,
)
from warta.model import policy
from warta.model.closure import BodyTooComplex, fold, folders_of
from warta.model.findings import Finding, visible
from warta.model.photo import is_raster
from warta.model.sop import unknown_reporter_step
from warta.publish import RENDERED, Plan, Unaccounted, account, plan, stage
from warta.repository import Repository, open_repository
from warta.site import feeds, item_page, pages, share
from warta.site.article import Article, build_article
from warta.site.bulletin_page import bulletin_page
from warta.site.catalogue import FEED_JSON, FEED_RSS, Catalogue
from warta.site.dates import rfc3339
from warta.site.imagesize import Size, image_size
from warta.site.kinerja_page import kinerja_page
from warta.site.photo import Photo, body_copies, body_pictures
from warta.site.sanitize import text_only
from warta.site.sop_page import sop_page
from warta.site.text import esc
from warta.site.views import Cards
from warta.site.withdrawn import WithdrawnNotice, notice_html
from warta.validate import Report, Verdict

log = logging.getLogger("mkdocs.plugins.warta")

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"


def _installed_theme(folder: str) -> bool:
    """Whether ``folder`` is Material's templates or MkDocs' own, as installed (never a
    folder of the repository)."""
    real = Path(folder).resolve()
    installed = [Path(mkdocs.__file__).resolve().parent / "templates", material_dir()]
    return any(top is not None and real.is_relative_to(top.resolve()) for top in installed)
CSS = "assets/warta/warta.css"
DOCS = "content"
NEWS = "berita/"
HOME_MARKER = "<!-- warta:berita-terbaru -->"
#: A Mermaid diagram on a (non-item) page: the theme loads the vendored Mermaid there.
MERMAID = re.compile(r'class="(?:[^"]* )?mermaid[ "]')
#: Outputs the theme and the search plugin write besides the files of the build.
THEME_OUTPUTS = ("404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json")
#: Workflow paths whose errors mean the site's own configuration cannot be trusted.
SITE_TRUST = frozenset({CONFIG_FILE, SITE_MANIFEST_PATH.as_posix(), TRUST_ROOT_PATH.as_posix()})


def site_problems(repo: Repository) -> list[Finding]:
    """Errors that mean the site's configuration is not the one an administrator signed:
    then nothing is built at all."""
    return [f for f in repo.policy.workflow_findings if f.is_error and f.path in SITE_TRUST]


def finding_text(finding: Finding) -> str:
    return visible(f"{finding.location()}: [{finding.rule}] {finding.message}")


@dataclass
class _Build:
    """What one build learned in on_config and on_files, for the later events."""

    repo: Repository
    plan: Plan
    staged: Path
    #: docs path -> (repository path, digest) of each file of a news item
    attached: dict[str, tuple[str, str]] = field(default_factory=dict)
    catalogue: Catalogue = field(default_factory=lambda: Catalogue(()))
    #: the cards of the catalogue's articles, each made once for a folder of pages
    cards: Cards = field(default_factory=lambda: Cards(Catalogue(())))
    articles: dict[str, Article] = field(default_factory=dict)
    #: docs path -> the notice at a validly withdrawn item's URL
    notices: dict[str, WithdrawnNotice] = field(default_factory=dict)
    #: docs path -> the page Warta generates there (lists, SOP, Buletin, Kinerja)
    generated: dict[str, pages.GeneratedPage] = field(default_factory=dict)
    #: the articles the feeds carry, and the bodies of those of them rendered so far
    fed: dict[str, Article] = field(default_factory=dict)
    bodies: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, File] = field(default_factory=dict)
    files: Files | None = None
    #: the search entries of item pages, kept between builds (None: no cache)
    search: SearchEntries | None = None
    #: the theme's output for item pages, kept between builds (None: no cache)
    pages: PageCache | None = None
    #: the content of the pages Warta's templates make, kept between builds (None: no cache)
    html: PageHtml | None = None
    #: the pages whose content is kept and not read yet (None: every page's is read)
    deferred: Deferred | None = None
    #: where the caches of pages are, whether they are saved, and the spool of what this
    #: build makes (None: not opened yet)
    place: CachePlace | None = None
    pages_opened: bool = False
    nav: Navigation | None = None
    #: helper processes rendering pages of this build (None: there are none)
    prerender: Prerender | None = None
    #: whether every plugin of the build is one whose use of a page Warta knows
    known_plugins: bool = False
    #: docs path of a raster photo of an item -> its clean copies (the original is never
    #: published)
    photos: dict[str, Photo] = field(default_factory=dict)
    #: where the copies of photos came from (they vouch for the links they made)
    copy_stores: tuple[CopyStore, ...] = ()
    #: the site's name, address and logo, as the signed mkdocs.yml says them
    site: share.Site = field(default_factory=lambda: share.Site(""))
    #: what the theme prints for a page whose file already holds it (a random part of
    #: this build's, so no text of an item's can be it; see :meth:`WartaPlugin._same_page`)
    unchanged: str = field(
        default_factory=lambda: f"<!-- warta:page-file-unchanged:{secrets.token_hex(16)} -->"
    )


#: The theme's page for an address the site does not have.
ERROR_PAGE = "404.html"


def _written(files: Files) -> list[str]:
    """Every output path (relative) a build writes for ``files``, the theme's own too."""
    return [
        *THEME_OUTPUTS,
        *(f.dest_uri for f in files if f.inclusion.value > InclusionLevel.DRAFT.value),
    ]


class WartaPlugin(BasePlugin[WartaPluginConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        #: Set only by ``warta preview`` (never by mkdocs.yml): show drafts with a banner.
        self.preview = False
        #: Set by ``warta build``/``preview``: the repository, already judged.
        self.preloaded: Repository | None = None
        self._build: _Build | None = None
        #: Errors the last build logged about its output (unaccounted files).
        self.unaccounted: list[str] = []
        #: Set by ``warta build -j N``: processes that may render pages (None: one per CPU).
        self.jobs: int | None = None
        #: Set by ``warta build``: the output an earlier build left, to build over (None: the
        #: site folder was emptied)
        self.kept: KeptOutput | None = None
        #: the pages (source paths) of this build that the kept output held already
        self.same_pages: set[str] = set()
        #: the SOP step whose signer is an item's reporter (see :meth:`Sop.reporter_step`)
        self.reporter = ""

    # ---- configuration: judge, then stage the closure -----------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._cleanup()
        self.unaccounted = []
        self.same_pages = set()
        root = _root(config)
        used = Path(config.config_file_path or "").name
        if used != CONFIG_FILE:
            raise PluginError(
                "warta: "
                + _(
                    "the site is built from the {config} an administrator signed; found another"
                    " configuration file ({used})"
                ).format(config=CONFIG_FILE, used=used)
            )
        exclude = config.exclude_docs
        if exclude is None or not exclude.match_file(PROBE):
            raise PluginError(
                "warta: "
                + _(
                    "mkdocs.yml must exclude the news folder (exclude_docs: /{news}) so that a"
                    " build without this plugin publishes no news; this plugin re-admits the"
                    " verified items"
                ).format(news=NEWS)
            )
        repo = self.preloaded or self._open(root, strict=bool(config.strict))
        self.preloaded = None
        problems = site_problems(repo)
        if problems:
            listed = "".join(f"\n  {finding_text(f)}" for f in problems)
            raise PluginError(
                "warta: "
                + _(
                    "the site's configuration is not the one an administrator signed; nothing is"
                    " built:{listed}"
                ).format(listed=listed)
            )
        if Path(config.docs_dir).resolve() != (root / DOCS).resolve():
            raise PluginError(
                "warta: "
                + _("docs_dir must be '{docs}'; found {found!r}").format(
                    docs=DOCS, found=config.docs_dir
                )
            )
        reporter = repo.sop.reporter_step(self.config.reporter_step)
        if reporter is None:
            raise PluginError("warta: " + unknown_reporter_step(
                self.config.reporter_step, repo.sop))
        self.reporter = reporter.id
        _log_report(repo.report, repo.policy.sop.take_back.withdrawn_status)
        closure = plan(repo, preview=self.preview)
        for finding in closure.findings:
            log.warning(f"warta: {finding_text(finding)}")
        staged = Path(tempfile.mkdtemp(prefix="warta-docs-"))
        try:
            attached = stage(repo.root, closure.files, staged / "docs")
            (staged / "docs").mkdir(exist_ok=True)
            if closure.theme:
                stage(repo.root, closure.theme, staged / "theme")
        except (safefs.UnsafePath, OSError) as exc:
            shutil.rmtree(staged, ignore_errors=True)
            raise PluginError(
                "warta: " + _("the closure could not be staged: {error}").format(error=exc)
            ) from exc
        self._build = _Build(repo, closure, staged, attached)
        self._build.site = share.Site(
            config.site_name, config.site_url or "", str(config.theme.get("logo") or "")
        )
        self._open_caches(self._build, config)
        repo.store_rendered()  # (the bodies the judges rendered, read back as pages need them)
        quicken(config)
        stream_index(config)
        config.docs_dir = str(staged / "docs")
        custom = repo.policy.site.custom_dir if repo.policy.site else None
        # only the installed themes' folders are read as they are; a custom_dir (whatever
        # path or link it was given as) is replaced by the staged copy of its signed files
        dirs = config.theme.dirs
        dirs[:] = [d for d in dirs if _installed_theme(d)]
        dirs.insert(0, str(THEME_DIR))
        if custom:
            dirs.insert(0, str(staged / "theme"))
        if CSS not in config.extra_css:
            config.extra_css.append(CSS)
        config.extra["warta_preview"] = self.preview
        return config

    def _open_caches(self, state: _Build, config: MkDocsConfig) -> None:
        state.known_plugins = all(name in KNOWN_PLUGINS for name in config.plugins)
        secret = cache_secret() if state.repo.policy.cache else None
        if secret is not None:
            folder = repo_cache_dir(state.repo.root)
            state.place = CachePlace(folder, secret, keep=True, spool=Spool(folder))
        else:  # (the build's own: what it makes, it makes once; nothing is kept)
            folder = state.staged / "caches"
            state.place = CachePlace(
                folder, secrets.token_bytes(32), keep=False, spool=Spool(folder)
            )
        state.search = SearchEntries.open(state.place, self._site_digest(state))
        state.html = PageHtml.open(state.place, MERMAID)
        if state.known_plugins and not _other_templates(state, config):
            # (a plugin Warta does not know, or a signed template, might read any page's
            # content anywhere: then every page's is read)
            state.deferred = Deferred(state.html)
            if state.search is not None:
                state.search.deferred = state.deferred

    def _open(self, root: Path, *, strict: bool) -> Repository:
        """The repository judged as ``warta validate`` (``--strict``) judges it."""
        try:
            return open_repository(root, keep_items=True, cache=self.config.cache, strict=strict)
        except ConfigError as exc:
            found = "".join(f"\n  {finding_text(f)}" for f in exc.findings)
            raise PluginError(f"warta: {exc.message}{found}") from exc
        except WartaError as exc:
            raise PluginError(f"warta: {exc.message}") from exc

    # ---- the gate ----------------------------------------------------------------------
    @event_priority(100)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        state = self._state()
        repo = state.repo
        staged = str(state.staged / "docs")
        for file in list(files):
            if file.src_dir != staged:
                continue
            if file.src_uri not in state.plan.files:
                files.remove(file)  # never happens: the staged folder holds the plan only
                log.warning(
                    "warta: "
                    + _("removed {path}, which is not in the closure").format(
                        path=visible(file.src_uri)
                    )
                )
            elif file.src_uri.startswith(NEWS):
                file.inclusion = InclusionLevel.INCLUDED  # exclude_docs left it out
        made = self._photos(config, state)
        for uri, (rel, digest) in state.attached.items():
            if not is_raster(uri):  # an original raster photo is never published
                files.append(VerifiedFile(config, uri, repo.root, rel, digest))
        for derived in made.files:
            files.append(derived)
        articles = self._articles(repo, state.plan)
        state.articles = {uri: _with_photo(article, made) for uri, article in articles.items()}
        state.photos = made.shown
        state.catalogue = Catalogue.of(state.articles.values())
        state.cards = Cards(state.catalogue)
        for uri in state.articles:
            files.append(
                File.generated(config, uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
            )
        state.notices = {
            uri: WithdrawnNotice(uri, w.title, w.record.at, w.record.reason)
            for uri, w in state.plan.withdrawn.items()
            if uri not in state.articles and files.get_file_from_path(uri) is None
        }
        for uri in state.notices:
            # a page of its own, in no list, feed, search index or sitemap (see sitemap.xml)
            files.append(
                File.generated(config, uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
            )
        per_page = self.config.per_page
        generated = [
            *pages.news_pages(state.catalogue, per_page),
            *pages.archive_pages(state.catalogue, per_page),
            *pages.category_pages(state.catalogue, per_page),
            *pages.reporter_pages(state.catalogue, per_page),
            sop_page(repo.sop),
            bulletin_page(repo.editions, state.plan.files, repo.policy.zone),
            *self._kinerja(repo),
        ]
        for page in generated:
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(  # the validator refuses such files before this
                    "warta: "
                    + _("{path} conflicts with the generated page '{title}'").format(
                        path=f"{DOCS}/{page.src_uri}", title=page.title
                    )
                )
            files.append(
                File.generated(
                    config, page.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV
                )
            )
            state.generated[page.src_uri] = page
        state.fed = {a.src_uri: a for a in state.catalogue.latest(self.config.feed_items)}
        for name in (FEED_RSS, FEED_JSON):
            # Present now so that links to the feeds resolve; filled in on_env, when every
            # item's body is known.
            feed = File.generated(config, name, content="", inclusion=InclusionLevel.INCLUDED)
            files.append(feed)
            state.feeds[name] = feed
        clash = _output_clash(files)
        if clash is not None:
            raise PluginError("warta: " + clash)  # the validator refuses such files before this
        state.files = files
        dropped = sum(1 for v in repo.report.verdicts if v.path.startswith(f"{DOCS}/{NEWS}")) - len(
            state.articles
        )
        published = (
            ngettext(
                "{count} item published (preview, drafts included)",
                "{count} items published (preview, drafts included)",
                len(state.articles),
            )
            if self.preview
            else ngettext("{count} item published", "{count} items published", len(state.articles))
        ).format(count=len(state.articles))
        left = max(dropped, 0)
        left_out = ngettext(
            "{count} file in {folder} left out", "{count} files in {folder} left out", left
        ).format(count=left, folder=NEWS)
        log.info(f"warta: {published}; {left_out}")
        return files

    def _photos(self, config: MkDocsConfig, state: _Build) -> Photos:
        """The clean copies of the raster photos of the items shown (photofiles.py), kept in
        this user's cache folder, else in the build's scratch folder."""
        repo = state.repo
        kept = CopyStore.open(repo.root) if repo.policy.cache else None
        scratch = CopyStore.scratch(state.staged / "photos")
        stores = (kept, scratch) if kept is not None else (scratch,)
        state.copy_stores = stores
        jobs = default_jobs() if self.jobs is None else self.jobs
        made = make_photos(
            config, repo.root, state.attached, stores, set(state.plan.files), jobs=jobs
        )
        for uri, problem in sorted(made.refused.items()):
            log.warning(
                f"warta: {DOCS}/{uri}: [image.unreadable] "
                + _("{problem}; the photo is left out of the site").format(problem=problem)
            )
        return made

    def _kinerja(self, repo: Repository) -> list[pages.GeneratedPage]:
        """The public performance page, when the signed mkdocs.yml asks for it."""
        if not self.config.kinerja:
            return []
        from warta.laporan import public_figures  # noqa: PLC0415

        return [kinerja_page(public_figures(repo), repo.sop.identity.name)]

    def _articles(self, repo: Repository, closure: Plan) -> dict[str, Article]:
        """Articles by docs path: the items the plan shows."""
        out: dict[str, Article] = {}
        for uri, shown in closure.items.items():
            try:
                article = build_article(
                    shown.item,
                    src_uri=uri,
                    sop=repo.sop,
                    roster=repo.roster,
                    zone=repo.policy.zone,
                    reporter_step=self.reporter,
                    draft=not shown.verdict.publishable,
                    problems=_problems(shown.verdict),
                )
            except Exception as exc:
                log.warning(
                    f"warta: {shown.verdict.path}: [internal.error] "
                    + _("{error}; not published").format(error=repr(exc))
                )
                continue
            if article is not None:
                out[uri] = article
        return out

    # ---- pages -------------------------------------------------------------------------
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        state = self._state()
        uri = page.file.src_uri
        article = state.articles.get(uri)
        if article is not None:
            # The body is the HTML the validator judged (on_page_content); MkDocs renders
            # nothing of the item. The theme prints meta values unescaped: escaped here.
            zone = state.repo.policy.zone
            page.meta = {
                "title": esc(article.title),
                "description": esc(article.description),
                "warta_draft": article.draft,
                # main.html prints the head tags, sitemap.xml the time of the last change
                "warta_head": share.head_html(
                    article, state.site, zone, self._photo_size(state, article)
                ),
                "warta_lastmod": rfc3339(share.modified(article), zone),
                "warta_share": state.site.base != "",
            }
            _made_by_warta(page)
            return ""
        notice = state.notices.get(uri)
        if notice is not None:
            page.meta = {
                "title": esc(notice.title),
                "search": {"exclude": True},
                "warta_withdrawn": True,
            }
            _made_by_warta(page)
            return ""
        generated = state.generated.get(uri)
        if generated is not None:
            page.meta = generated.meta()  # its HTML comes in on_page_content
            _made_by_warta(page)
            return ""
        if uri.startswith(NEWS):
            raise PluginError(
                "warta: "
                + _("{path} reached the build without being verified").format(path=f"{DOCS}/{uri}")
            )
        return None

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        state = self._state()
        notice = state.notices.get(page.file.src_uri)
        if notice is not None:
            return notice_html(notice, state.repo.policy.zone)
        article = state.articles.get(page.file.src_uri)
        if article is None:
            generated = state.generated.get(page.file.src_uri)
            if generated is not None:
                made = generated
                html = _content(
                    state, page, made.template, made.view, body="", render=lambda: made.body
                )
                if state.deferred is not None and state.deferred.marked(page):
                    page.meta["warta_mermaid"] = True
            elif page.is_homepage and HOME_MARKER in html:
                # the marker is an HTML comment, which Markdown leaves as it is
                block = pages.latest_block(state.catalogue, self.config.home_items)
                html = html.replace(HOME_MARKER, block)
            if MERMAID.search(html):
                page.meta["warta_mermaid"] = True  # main.html then loads the local copy
            return html
        shown = state.plan.items[article.src_uri]
        try:
            rendered = state.repo.rendered(shown.item)
        except BodyTooComplex as exc:  # only a draft can get here (in a preview)
            log.warning(f"warta: {shown.verdict.path}: [body.too-complex] {exc}")
            rendered = Rendered("<p>(naskah tidak dapat ditampilkan)</p>")
        if rendered is None:
            raise PluginError(
                "warta: "
                + _("{path} could not be rendered").format(path=visible(shown.verdict.path))
            )
        page.toc = get_toc(rendered.toc)  # type: ignore[arg-type]
        _clean_toc(page.toc)
        photos = {uri: state.photos[uri] for uri in shown.files if uri in state.photos}
        if article.src_uri in state.fed:  # only the bodies the feeds carry
            state.bodies[article.src_uri] = body_copies(
                rendered.html, article.folder_url, article.url, photos
            )
        repo = state.repo
        body = body_pictures(rendered.html, article.folder_url, article.url, photos)
        view = item_page.item_view(
            article,
            sop=repo.sop,
            zone=repo.policy.zone,
            trust_fingerprint=repo.policy.trust.fingerprint,
            pin=repo.policy.pin,
            catalogue=state.catalogue,
            files=shown.files,
            site=state.site,
            cards=state.cards,
        )
        return _content(
            state,
            page,
            item_page.TEMPLATE,
            view,
            body=body,
            render=lambda: item_page.item_content(view, body),
        )

    @staticmethod
    def _photo_size(state: _Build, article: Article) -> Size | None:
        """The pixel size of the item's lead photo as its URL serves it: a raster photo's
        widest clean copy (the original is never published), else the signed file's own
        size, read from its bytes if they are the signed ones (None otherwise, or if its
        header does not say)."""
        if article.image is None:
            return None
        if article.photo is not None:
            return Size(article.photo.width, article.photo.height)
        uri = posixpath.normpath(article.folder_url + article.image.src)
        attached = state.attached.get(uri)
        if attached is None:
            return None
        rel, digest = attached
        try:
            data = safefs.read_bytes(state.repo.root, rel)
        except (safefs.UnsafePath, OSError):
            return None  # the build's copy of the file reports it
        if digest_of(data) != digest:
            return None
        return image_size(data)

    @event_priority(50)  # before Material's search plugin indexes the page
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        state = self._state()
        uri = page.file.src_uri
        if uri not in state.articles and uri not in state.generated:
            return context
        self._open_pages(state, config, nav)
        if state.prerender is not None:
            state.prerender.claim(page.url)
        kept = (
            state.pages.find(page, self._unchanged(state, config, page))
            if state.pages is not None
            else None
        )
        if state.search is not None and uri in state.articles:
            index = search_index(config)
            if index is not None:
                state.search.index(index, page)
        if kept is UNCHANGED:
            context[CACHED] = state.unchanged  # type: ignore[literal-required]
        elif kept is not None:
            context[CACHED] = kept  # type: ignore[literal-required]
        if state.deferred is not None and (
            kept is None or not (page.meta.get("search") or {}).get("exclude")
        ):
            state.deferred.read(page)  # the theme renders it, or the search plugin reads it
        return context

    def _unchanged(
        self, state: _Build, config: MkDocsConfig, page: Page
    ) -> Callable[[str], bool] | None:
        """Whether the kept file at ``page``'s path holds the bytes of a SHA-256 (None: not
        asked). Only Warta's own ``main.html`` is known to print what the page cache gives
        it and nothing else (a signed custom theme's may not)."""
        kept = self.kept
        if kept is None or _other_templates(state, config):
            return None
        dest = page.file.dest_uri
        return lambda digest: kept.unchanged(dest, digest)

    def _open_pages(self, state: _Build, config: MkDocsConfig, nav: Navigation) -> None:
        if not state.pages_opened and state.place is not None:
            state.pages_opened = True
            every_page = None
            if _other_templates(state, config):
                if state.files is None:
                    return  # (never: on_env knows the files) no page is kept
                every_page = [f.page for f in state.files.documentation_pages() if f.page]
            state.pages = PageCache.open(
                state.place,
                config,
                nav,
                self._own_theme(state),
                self._site_digest(state),
                every_page=every_page,
            )
            if state.pages is not None:
                state.pages.deferred = state.deferred

    def _prerender(self, state: _Build, config: MkDocsConfig, env: Environment) -> None:
        """Fork helpers for the pages Warta makes that no earlier build kept (prerender.py)."""
        nav = state.nav
        jobs = default_jobs() if self.jobs is None else self.jobs
        if self.preview or nav is None or jobs < 2 or not can_fork():
            return
        self._open_pages(state, config, nav)
        if state.pages is None or state.files is None:
            return
        doc_files = state.files.documentation_pages(inclusion=InclusionLevel.is_included)
        made = [
            f.page
            for f in doc_files
            if f.page is not None
            and (f.src_uri in state.articles or f.src_uri in state.generated)
            and not state.pages.holds(f.page)
        ]
        scene = Scene(
            config=config,
            nav=nav,
            env=env,
            doc_files=doc_files,
            # every plugin's, as MkDocs runs them: the search plugin's changes the content
            page_context=lambda context, page: config.plugins.on_page_context(
                context, page=page, config=config, nav=nav
            ),
            page_cache=state.pages,
            search=state.search,
            index_entries=_index_entries(config),
            # (as the build lets a page's content go: _release_page)
            drop_content=state.known_plugins and not _other_templates(state, config),
        )
        with held():  # (a signal waits until the build knows its helpers, to end them)
            state.prerender = Prerender.start(made, jobs - 1, scene)

    @staticmethod
    def _own_theme(state: _Build) -> list[str]:
        theme = [str(THEME_DIR)]
        if state.plan.theme:
            theme.append(str(state.staged / "theme"))
        return theme

    @staticmethod
    def _site_digest(state: _Build) -> str:
        site = state.repo.policy.site
        return site.digest if site is not None else ""

    @event_priority(100)  # the theme's output, before any other plugin changes it
    def _keep_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        state = self._state()
        if state.deferred is not None and state.deferred.placeholder in output:
            raise PluginError(
                "warta: "
                + _("{url} was rendered without its content").format(url=page.url or "/")
            )
        if state.pages is not None:
            state.pages.keep(page, output)  # (only a page it did not find is kept)
        return output

    @event_priority(-100)  # after every other plugin had the page
    def _release_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """A page Warta made is written now: its HTML need not stay in memory until the end
        of the build (the memory is reused for the pages still to come), unless a plugin
        Warta does not know might want it (in on_post_build), or a signed template might show
        it on a page built later."""
        state = self._state()
        uri = page.file.src_uri
        if (
            state.known_plugins
            and (uri in state.articles or uri in state.generated)
            and not _other_templates(state, config)
        ):
            page.content = ""
        return output

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        """The theme's error page as an earlier build rendered it, when the page cache holds
        it (:meth:`PageCache.find_static`): otherwise it is the only page of a rebuild that
        makes Material compile and render its whole ``base.html``."""
        state = self._state()
        if template_name != ERROR_PAGE or state.nav is None or _other_templates(state, config):
            return context
        self._open_pages(state, config, state.nav)
        if state.pages is not None:
            kept = state.pages.find_static(template_name, context["base_url"])
            if kept is not None:
                context[CACHED] = kept  # type: ignore[literal-required]
        return context

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        state = self._state()
        if state.deferred is not None and state.deferred.placeholder in output_content:
            raise PluginError(
                "warta: "
                + _("{url} was rendered without its content").format(url=template_name)
            )
        if state.pages is not None:
            state.pages.keep_static(template_name, output_content)
        return output_content

    @event_priority(-1000)  # the last of all: what it returns is what MkDocs writes
    def _same_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """A page whose bytes the kept output already holds at its path is not written again
        (an empty output, which MkDocs does not write): rewriting a file costs the kernel
        about eight times what reading and comparing it does."""
        marker = self._state().unchanged
        if output == marker and self.kept is not None and page.file.dest_uri in self.kept.same:
            self.same_pages.add(page.file.src_uri)  # (KeptOutput.unchanged said so)
            return ""
        if marker in output:
            raise PluginError(
                "warta: "
                + _("{url} was rendered without its content").format(url=page.url or "/")
            )
        if self.kept is None or not output.strip():
            return output
        data = page_bytes(output)
        if self.kept.holds(page.file.dest_uri, data):
            self.same_pages.add(page.file.src_uri)
            return ""
        return output

    on_post_page = CombinedEvent(_keep_page, _release_page, _same_page)

    # ---- feeds and the account of the output --------------------------------------------
    @event_priority(-100)
    def on_env(
        self, env: Environment, /, *, config: MkDocsConfig, files: Files
    ) -> Environment | None:
        state = self._state()
        channel = feeds.Channel(
            title=config.site_name,
            description=config.site_description or config.site_name,
            site_url=config.site_url or "",
        )
        zone = state.repo.policy.zone
        chosen = list(state.fed.values())
        state.feeds[FEED_RSS].content_string = feeds.rss(chosen, channel, zone, state.bodies)
        state.feeds[FEED_JSON].content_string = feeds.json_feed(chosen, channel, zone, state.bodies)
        state.files = files
        if self.kept is not None:  # (before a file is written: what stands in the way goes)
            self.kept.restore(_written(files))
        self._prerender(state, config, env)
        return env

    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        self._state().nav = nav
        return nav

    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        state = self._state()
        if state.prerender is not None:
            state.prerender.finish()
            log.info(
                "warta: "
                + ngettext(
                    "{count} page rendered by {helpers} helper process",
                    "{count} pages rendered by {helpers} helper processes",
                    state.prerender.received,
                ).format(count=state.prerender.received, helpers=state.prerender.helpers)
            )
            state.prerender = None
        state.repo.keep_rendered()
        if state.place is not None and state.place.keep:
            if state.search is not None:
                state.search.save()
            if state.pages is not None:
                state.pages.save()
            if state.html is not None:
                state.html.save()
        if state.place is not None:
            state.place.spool.close()
        for store in state.copy_stores:
            store.save()
        expected = self._expected(state, config)
        site = Path(config.site_dir)
        if self.kept is not None:
            self.kept.remove_stale(expected, RENDERED)
        for problem in account(site, expected, state.copy_stores):
            _remove_unaccounted(site, problem)
            self.unaccounted.append(problem)
            log.warning(
                "warta: [site.unaccounted] "
                + _("{problem}; removed from the output").format(problem=problem)
            )

    def _expected(self, state: _Build, config: MkDocsConfig) -> dict[str, str]:
        """Every output path the build was to write: rendered, or a copy with its digest."""
        expected = dict.fromkeys(THEME_OUTPUTS, RENDERED)
        staged = str(state.staged / "docs")
        assert state.files is not None
        for file in state.files:
            if file.inclusion.value <= InclusionLevel.DRAFT.value:
                continue  # not written
            dest = file.dest_uri
            if file.is_documentation_page() or file.src_uri in config.extra_templates:
                expected[dest] = RENDERED
            elif isinstance(file, ItemFile):
                expected[dest] = file.digest
            elif file.generated_by is not None:
                expected[dest] = digest_of(file.content_bytes)
            elif file.src_dir == staged:
                expected[dest] = state.plan.files[file.src_uri][1]
            elif file.abs_src_path is not None:  # a theme file: the installed theme's bytes
                expected[dest] = digest_of(Path(file.abs_src_path).read_bytes())
        return expected

    def on_shutdown(self) -> None:
        self._cleanup()

    def on_build_error(self, *, error: Exception) -> None:
        self._cleanup()

    def _cleanup(self) -> None:
        if self._build is not None and self._build.prerender is not None:
            self._build.prerender.stop()
            self._build.prerender = None
        if self._build is not None:
            if self._build.place is not None:
                self._build.place.spool.close()
            shutil.rmtree(self._build.staged, ignore_errors=True)

    @property
    def report(self) -> Report | None:
        """The validator's report of the last build (None before on_config)."""
        return self._build.repo.report if self._build is not None else None

    @property
    def notices(self) -> list[str]:
        """The URLs of the withdrawal notices the last build made."""
        return [n.url for n in self._build.notices.values()] if self._build is not None else []

    @property
    def published_paths(self) -> set[str]:
        """The items whose page the last build published (repository paths): the approved
        ones, and those under correction whose approved version it published although the
        file holds the draft."""
        if self._build is None:
            return set()
        return {s.verdict.path for s in self._build.plan.items.values() if s.verdict.publishable}

    @property
    def repository(self) -> Repository | None:
        return self._build.repo if self._build is not None else None

    def _state(self) -> _Build:
        if self._build is None:
            raise PluginError("warta: " + _("the gate did not run (on_config); refusing to build"))
        return self._build


def _content(
    state: _Build, page: Page, template: str, view: object, *, body: str, render: Callable[[], str]
) -> str:
    """What ``render()`` makes of ``view`` with Warta's ``template``, as ``page``'s content:
    kept from an earlier build when the cache holds it (htmlcache.py), and then read only
    when it is needed."""
    cache = state.html
    key = cache.key(template, view, body) if cache is not None else None
    if cache is None or key is None:
        return render()
    kept = cache.kept(key)
    if kept is not None:
        if state.deferred is not None:
            return state.deferred.defer(page, kept)
        text = cache.text(kept)
        if text is not None:
            return text
    html = render()
    made = cache.made(key, html)
    if state.deferred is not None:  # (held compressed until the page is built)
        return state.deferred.defer(page, made)
    return html


#: The templates the installed themes render as pages of their own (none shows a page's
#: content).
KNOWN_STATIC_TEMPLATES = frozenset({"404.html", "sitemap.xml"})


def _index_entries(config: MkDocsConfig) -> list[object] | None:
    """The entries of Material's search index of this build (None: no such index)."""
    index = search_index(config)
    return index.entries if index is not None else None


def _remove_unaccounted(site: Path, problem: Unaccounted) -> None:
    """Remove what ``problem`` names from the output, whatever it is (a pipe, a device, a
    link, a folder); PluginError (the build fails, and its folder is emptied) if it cannot
    be, or is the site folder itself (found by an independent attack: a pipe at a page's
    path was told as removed and stayed)."""
    target = site / problem.rel
    if problem.rel not in ("", "."):
        with contextlib.suppress(OSError):  # (whether it is gone is checked just below)
            remove_entry(target)
    if problem.rel in ("", ".") or os.path.lexists(target):
        raise PluginError(
            "warta: [site.unaccounted] "
            + _("{problem}; it could not be removed from the output").format(problem=problem)
        )


def _other_templates(state: _Build, config: MkDocsConfig) -> bool:
    """Whether templates other than Warta's and the installed themes' take part in the
    build: a signed custom theme (any file of it: Material includes icons, ``.svg`` files,
    as templates, and a template can include any file by its name), extra templates, or
    static templates of another name. A template can show any page's content."""
    static = set(getattr(config.theme, "static_templates", ()))
    return bool(state.plan.theme or config.extra_templates or static - KNOWN_STATIC_TEMPLATES)


def _with_photo(article: Article, made: Photos) -> Article:
    """``article`` with the clean copies of its raster lead photo, or without the photo if
    none could be made."""
    if article.image is None:
        return article
    original = article.folder_url + article.image.src
    if original in made.shown:
        return replace(article, photo=made.shown[original])
    if is_raster(original):
        return replace(article, image=None)
    return article


def _root(config: MkDocsConfig) -> Path:
    if not config.config_file_path:
        raise PluginError("warta: " + _("mkdocs.yml's location is unknown"))
    return Path(config.config_file_path).resolve().parent


def _made_by_warta(page: Page) -> None:
    """A page whose HTML Warta makes (on_page_content) is not converted by MkDocs: its
    Markdown is empty, and MkDocs would set up a Markdown instance with every extension for
    it (2 ms a page)."""

    def render(config: MkDocsConfig, files: Files) -> None:
        page.content = ""
        page.toc = get_toc([])
        page.present_anchor_ids = set()

    page.render = render  # type: ignore[method-assign]


def _clean_toc(links: Iterable[AnchorLink]) -> None:
    """Headings in the page's table of contents as text, their anchors escaped."""
    for link in links:
        link.title = text_only(link.title)
        link.id = esc(link.id)
        _clean_toc(link.children)


#: Notices a preview's draft banner shows too: why an approved item is not on the site yet.
_BANNER_NOTICES = frozenset({"embargo.pending"})


def _problems(verdict: Verdict) -> list[str]:
    return [
        f"{f.location()}: [{f.rule}] {f.message}"
        for f in verdict.findings
        if f.is_error or f.rule in _BANNER_NOTICES
    ]


def _log_report(report: Report, withdrawn: str) -> None:
    """What blocks publication as warnings (``--strict`` fails on them), the rest as info."""

    def blocks(finding: Finding) -> bool:
        return policy.blocks(finding, strict=report.strict)

    for finding in report.workflow:
        (log.warning if blocks(finding) else log.info)(f"warta: {finding_text(finding)}")
    if any(blocks(f) for f in report.workflow):
        log.warning(
            "warta: " + _("the workflow files are not trusted, so no news item is published")
        )
    for verdict in report.verdicts:
        errors = [f for f in verdict.findings if blocks(f)]
        for finding in verdict.findings:
            (log.warning if blocks(finding) else log.info)(f"warta: {finding_text(finding)}")
        if verdict.publishable:
            continue
        if errors:
            log.warning(
                "warta: "
                + ngettext(
                    "not published: {path} ({count} error)",
                    "not published: {path} ({count} errors)",
                    len(errors),
                ).format(path=visible(verdict.path), count=len(errors))
            )
        elif verdict.status == withdrawn:
            log.info(
                "warta: "
                + _("not published: {path}: withdrawn").format(path=visible(verdict.path))
            )
        elif verdict.embargo is not None:
            log.info(
                "warta: "
                + _("not published yet: {path}: under embargo until {moment}").format(
                    path=visible(verdict.path), moment=verdict.embargo.isoformat()
                )
            )
        else:
            log.info(
                "warta: "
                + _("not published: {path}: status {status!r}, not approved yet").format(
                    path=visible(verdict.path), status=verdict.status
                )
            )
    for source in report.sources:
        for finding in source.findings:
            log.warning(f"warta: {finding_text(finding)}")
        if not source.admitted:  # (an older revision of a printed edition has no finding)
            (log.warning if source.findings else log.info)(
                "warta: " + _("not published: {path}").format(path=visible(source.path))
            )
    for finding in report.site:
        (log.warning if blocks(finding) else log.info)(f"warta: {finding_text(finding)}")


def _output_clash(files: Files) -> str | None:
    """Why two of ``files`` cannot both be written (one output path for two, or a file
    where the folder of another must be), or None: MkDocs writes the last of two over the
    first without a word, and stops with a traceback on the other."""
    dests: dict[str, File] = {}
    for file in files:
        dest = fold(file.dest_uri)
        first = dests.setdefault(dest, file)
        if first is not file:
            return _("{a} and {b} would both be published at {dest}").format(
                a=visible(first.src_uri), b=visible(file.src_uri), dest=visible(file.dest_uri)
            )
    for dest, file in dests.items():
        for folder in folders_of(dest):
            outer = dests.get(folder)
            if outer is not None:
                return _("{inner} would be published inside {dest}, the file {outer} is"
                         " published as").format(inner=visible(file.src_uri),
                                                 dest=visible(outer.dest_uri),
                                                 outer=visible(outer.src_uri))
    return None
