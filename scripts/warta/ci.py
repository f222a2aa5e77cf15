"""The CI files ``warta init`` writes into an office's repository: GitHub Actions, Forgejo
Actions and GitLab CI, each pinned to one Warta release (and, optionally, its wheel's SHA-256).

The templates are package data (``warta/office/ci/``). Each holds the version and the hash in
exactly one place, so an office updates Warta by editing one line; the values are checked
before they are written, so nothing but a version and a hash can reach the YAML.
"""

from __future__ import annotations

import re
from importlib import resources

from warta.errors import UsageError
from warta.i18n import _

VERSION = re.compile(r"\d+(\.\d+)*[a-z0-9.+-]*", re.ASCII)
SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)

# Where each file goes in the office's repository, and the template it comes from.
FILES = {
    ".github/workflows/warta.yml": "github.yml",
    ".forgejo/workflows/warta.yml": "forgejo.yml",
    ".gitlab-ci.yml": "gitlab-ci.yml",
}
_VERSION_SLOT = "@WARTA_VERSION@"
_SHA256_SLOT = "@WARTA_SHA256@"


def ci_files(version: str, sha256: str | None = None) -> dict[str, str]:
    """The three CI files by their path in the office's repository, with ``version`` (a
    release of Warta, e.g. ``0.1.0``) and ``sha256`` (of that release's wheel, 64 lowercase
    hex digits; ``None``: the install is not hash-checked) written in.

    Raises :class:`~warta.errors.UsageError` for a version or hash of any other shape."""
    if not VERSION.fullmatch(version):
        raise UsageError(
            _("Warta version {version!r}: expected a release number such as 0.1.0").format(
                version=version
            )
        )
    if sha256 is not None and not SHA256.fullmatch(sha256):
        raise UsageError(
            _("wheel SHA-256 {sha256!r}: expected 64 lowercase hexadecimal digits").format(
                sha256=sha256
            )
        )
    folder = resources.files("warta") / "office" / "ci"
    out = {}
    for target, name in FILES.items():
        text = (folder / name).read_text(encoding="utf-8")
        for slot in (_VERSION_SLOT, _SHA256_SLOT):
            if text.count(slot) != 1:  # pragma: no cover - a broken package, not an input
                raise RuntimeError(f"{name}: expected {slot} exactly once")
        out[target] = text.replace(_VERSION_SLOT, version).replace(_SHA256_SLOT, sha256 or "")
    return out
