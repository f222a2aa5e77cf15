"""The thin MkDocs edge of Warta: the ``warta`` plugin and the build/preview commands."""

from warta.mkdocs_plugin.plugin import WartaPlugin

__all__ = ["WartaPlugin"]
