"""Adapters: turn files, git and signatures into the domain model (with line numbers)."""
