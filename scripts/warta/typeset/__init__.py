"""Typesetting the printed bulletin with Typst."""
