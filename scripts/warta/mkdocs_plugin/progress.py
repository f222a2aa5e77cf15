"""How far MkDocs is with the pages, told to a :class:`~warta.progress.Progress`.

``warta build`` and ``warta preview`` add :class:`PageProgress` to the configuration they hand
MkDocs (never through mkdocs.yml, and beside the ``warta`` plugin, which it leaves alone).
MkDocs goes over the pages twice, each pass a phase: it reads and converts each page
(``on_page_content``), then writes each with the theme (``on_post_page``).
"""

from __future__ import annotations

from jinja2 import Environment
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from warta.i18n import _
from warta.progress import Progress

#: The key it is added under in the configuration's plugins.
KEY = "warta/progress"


class NoOptions(Config):  # type: ignore[no-untyped-call]
    """It has no options: it is never named in mkdocs.yml."""


class PageProgress(BasePlugin[NoOptions]):  # type: ignore[no-untyped-call]
    """Counts the pages MkDocs converts and writes; the phase ends with the build."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        self.progress.start(len(files.documentation_pages()), _("reading pages"))
        return None

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        self.progress.advance()
        return None

    def on_env(
        self, env: Environment, /, *, config: MkDocsConfig, files: Files
    ) -> Environment | None:
        self.progress.start(len(files.documentation_pages()), _("building pages"))
        return None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        self.progress.advance()
        return None

    @event_priority(-200)  # after the warta plugin's account of the output
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.progress.done()

    def on_build_error(self, *, error: Exception) -> None:
        self.progress.done()
