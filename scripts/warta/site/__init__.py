"""The public site, as pure functions of the domain model: item pages' extra parts, the news
lists, archive, categories, reporters, the SOP page and the feeds.

Nothing here imports MkDocs: the plugin in :mod:`warta.mkdocs_plugin` only wires these
functions to build events, so another static-site engine could call them the same way.
Every text that comes from content or workflow files is escaped for the format it goes into;
the HTML of an item's body passes the allowlist of :mod:`warta.site.sanitize`, and the files
beside an item the checks of :mod:`warta.site.assets`.
"""
