"""Warta: a signed, SOP-driven static-site newsroom for a Pemda's Bagian Kominfo dan Humas."""

__version__ = "0.1.0"
