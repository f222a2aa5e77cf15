"""The pure domain model: SOP, roles, roster, items, signoffs and findings.

Nothing in this package reads files or imports YAML, git, MkDocs or a CLI library.
"""
