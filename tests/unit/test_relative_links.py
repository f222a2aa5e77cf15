"""Links between site pages are what ``posixpath.relpath`` makes of them: the faster
:func:`warta.site.text.relative_url` gives the same link for any two site paths."""

from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from warta.site.text import relative_url

SEGMENTS = st.sampled_from(
    ["", "berita", "2026", "a", "b", "halaman", "2", "x.jpg", ".", "..", "é"]
)
PATHS = st.builds(
    lambda parts, slash: "/".join(parts).lstrip("/") + ("/" if slash else ""),
    st.lists(SEGMENTS, max_size=6),
    st.booleans(),
)


def by_relpath(target: str, from_url: str) -> str:
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    rel = posixpath.relpath("/" + target, "/" + base)
    if rel == ".":
        return "./"
    if (not target or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel


@settings(max_examples=3000)
@given(PATHS, PATHS)
def test_the_link_is_relpath_s(target: str, from_url: str) -> None:
    assert relative_url(target, from_url) == by_relpath(target, from_url)


def test_known_links() -> None:
    assert relative_url("berita/2026/a/", "berita/2026/b/") == "../a/"
    assert relative_url("berita/2026/a/", "berita/2026/a/") == "./"
    assert relative_url("", "berita/halaman/2/") == "../../../"
    assert relative_url("berita/2026/a/images/x.jpg", "") == "berita/2026/a/images/x.jpg"
