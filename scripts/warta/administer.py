"""An administrator's act: sign the workflow files and the site's own source.

``warta trust sign`` lists every file of the site's own source (``mkdocs.yml``, the pages and
assets under ``content/`` outside ``berita/``, a theme folder or hooks the manifest allows)
with its SHA-256 into ``workflow/site-manifest.yml``, then signs ``sop.yml``, ``roster.yml``
and the manifest: each file whose content its signature no longer covers gets the next
``serial`` (one more than its own, or than the highest this machine has seen) and a new
signature; a file whose signature still holds is left as it is. It refuses, signing nothing,
while any of those files could never be published anyway (a link, a file that would replace
the theme's or Warta's own, a configuration that runs code), or while ``sop.yml`` or
``roster.yml`` has an error (a key listed for two people, a step naming no role): an
administrator's signature never covers what Warta refuses.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warta.adapters import safefs, sitemanifest, tofu
from warta.adapters.atomic import write_bytes, write_text
from warta.adapters.serials import serial_in, with_serial
from warta.adapters.siteconfig import read_site_config
from warta.adapters.sitemanifest import CONFIG_FILE, SITE_MANIFEST_PATH, Allow
from warta.adapters.ssh import KeygenSigner, SshsigVerifier
from warta.adapters.textfile import MAX_BYTES, decode
from warta.adapters.theme import theme_files
from warta.adapters.trust import (
    TrustRoot,
    check_workflow_signature,
    load_trust_root,
    sign_workflow,
    workflow_bytes,
)
from warta.adapters.workflow import ROSTER_PATH, SOP_PATH, load_roster, load_sop
from warta.errors import ConfigError, RefusedError, WartaError
from warta.i18n import _
from warta.model.closure import Reserved, check_site_sources, plain_relative
from warta.model.findings import Finding, error, visible
from warta.model.signing import fingerprint
from warta.repository import scan


@dataclass(frozen=True)
class Signed:
    admin: str
    files: tuple[Path, ...]
    changes: tuple[str, ...]
    #: Each workflow file's serial after signing, and whether it was signed anew.
    serials: tuple[tuple[str, int, bool], ...] = ()

    def paths(self) -> tuple[str, ...]:
        """Every file this signing wrote or covers anew: the workflow files signed again with
        their signatures, the manifest, and the site's files added, changed or removed."""
        out = [SITE_MANIFEST_PATH.as_posix()]
        for rel, _serial, fresh in self.serials:
            if fresh:
                out += [rel, f"{rel}.sig"]
        out += [change[2:] for change in self.changes]
        return tuple(dict.fromkeys(out))


def _current_manifest(root: Path) -> tuple[str | None, Allow]:
    """The manifest's text and allowances as they are (none yet: the default header)."""
    try:
        manifest, _findings = sitemanifest.load_site_manifest(root)
    except ConfigError as exc:
        if any(f.rule == "workflow.missing" for f in exc.findings):
            return None, Allow()
        raise
    return manifest.text, manifest.allow


def site_sources(root: Path, allow: Allow) -> dict[str, str]:
    """Every file of the site's own source with its digest, or RefusedError listing what an
    administrator may not sign."""
    site, found = read_site_config(root, allow)
    problems: list[Finding] = [f for f in found if f.is_error]
    if site is None:
        raise RefusedError(_listing(_("mkdocs.yml cannot be read"), problems))
    from warta.mkdocs_plugin.config import config_problems  # noqa: PLC0415 (MkDocs: 0.15 s)

    problems.extend(config_problems(root, site))
    tree = scan(root, site)
    regular = {o.rel: o.digest for o in tree.sources if o.regular and o.digest}
    verdicts, _kept = check_site_sources(
        tree.sources, {p: d for p, d in regular.items() if d}, Reserved(theme_files())
    )
    for verdict in verdicts:
        problems.extend(verdict.findings)
    for observed in tree.sources:
        if "outside-news" in observed.problems:
            problems.append(_outside(observed.rel))
        problems.extend(observed.findings)  # (a page that reads otherwise than it shows)
    problems.extend(_unlistable(rel) for rel in regular if not plain_relative(rel))
    if problems:
        raise RefusedError(
            _listing(_("the site's source holds what Warta never publishes"), problems)
        )
    files = {p: d for p, d in regular.items() if d is not None}
    files[CONFIG_FILE] = site.digest
    return files


def _unlistable(path: str) -> Finding:
    """A file whose name the manifest may not list (its loader would refuse the manifest):
    an administrator would otherwise sign a manifest that stops every build."""
    return error(
        path,
        None,
        "site.name",
        _(
            "a file name that is not UTF-8, or has a control, line-separator or direction"
            " character, cannot be listed in the site manifest; rename or remove the file"
        ),
    )


def _outside(path: str) -> Finding:
    return error(
        path,
        1,
        "item.outside-news",
        _(
            "a news item must live under content/berita/; a page with workflow keys is never"
            " published"
        ),
    )


def _listing(what: str, findings: list[Finding]) -> str:
    lines = "".join(f"\n  {visible(f'{f.location()}: [{f.rule}] {f.message}')}" for f in findings)
    return _("{what}; nothing was signed:{lines}").format(what=what, lines=lines)


def sign_all(root: Path, signer: KeygenSigner) -> Signed:
    """List the site's source into the manifest and sign the three workflow files."""
    trust = load_trust_root(root)
    admin = trust.admin_for(signer.public_key)
    if admin is None:
        raise ConfigError(
            _(
                "key {fingerprint} is not an administrator in workflow/trust-root; nothing was"
                " signed"
            ).format(fingerprint=fingerprint(signer.public_key))
        )
    _refuse_invalid_workflow(root)
    text, allow = _current_manifest(root)
    old: dict[str, str] = {}
    if text is not None:
        try:
            old = dict(sitemanifest.load_site_manifest(root)[0].files)
        except WartaError:
            old = {}
    files = site_sources(root, allow)
    new_text = sitemanifest.render(text, files)
    written = (SITE_MANIFEST_PATH, SOP_PATH, ROSTER_PATH)
    _refuse_unwritable(root, (*written, *(rel.with_name(f"{rel.name}.sig") for rel in written)))
    out: list[Path] = []
    with _all_or_nothing(root, written):
        write_text(root / SITE_MANIFEST_PATH, new_text)
        seen = tofu.read_record(root).serials
        verifier = SshsigVerifier()
        serials: list[tuple[str, int, bool]] = []
        texts: dict[Path, str] = {}
        for rel in (SOP_PATH, ROSTER_PATH, SITE_MANIFEST_PATH):  # first: refuse before writing
            kept = _still_signed(root, rel, trust, verifier)
            if kept is not None:
                serials.append((rel.as_posix(), kept, False))
                continue
            serial, texts[rel] = _next_serial(root, rel, seen.get(rel.as_posix(), 0))
            serials.append((rel.as_posix(), serial, True))
        for rel, text in texts.items():
            write_text(root / rel, text)
            out.append(sign_workflow(root, rel, signer, trust.office))
    return Signed(admin.id, tuple(out), tuple(sitemanifest.changes(old, files)), tuple(serials))


def _refuse_unwritable(root: Path, rels: tuple[Path, ...]) -> None:
    """Refuse, before anything is written, when a file signing writes is reached through a
    link or is there as something other than a file (a folder a branch committed as
    ``roster.yml.sig/``): the manifest and a new serial were written, then the signature
    could not be, and the files were left changed and unsigned (found by an independent
    attack)."""
    for rel in rels:
        if safefs.link_on_path(root, rel.as_posix()) is not None:
            raise RefusedError(
                _("{path} is reached through a symbolic link; nothing was signed").format(
                    path=rel.as_posix()
                )
            )
        try:
            found = os.lstat(root / rel)
        except FileNotFoundError:
            continue
        # (each is kept in memory to be put back: a file of gigabytes is none Warta wrote)
        if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_BYTES:
            raise RefusedError(
                _(
                    "{path} is no file Warta writes (a folder, a pipe or over 1 MiB); expected"
                    " such a file, or none; nothing was signed"
                ).format(path=rel.as_posix())
            )


@contextlib.contextmanager
def _all_or_nothing(root: Path, rels: tuple[Path, ...]) -> Iterator[None]:
    """Put every file of ``rels`` and its signature back as it was if what runs inside
    fails or is stopped (a signature refused, Ctrl-C at the passphrase): an administrator is
    never left with workflow files changed and not signed."""
    places = [root / p for rel in rels for p in (rel, rel.with_name(f"{rel.name}.sig"))]
    before: dict[Path, bytes | None] = {}
    for place in places:
        try:
            before[place] = place.read_bytes()
        except FileNotFoundError:
            before[place] = None
    try:
        yield
    except BaseException:
        for place, data in before.items():
            with contextlib.suppress(OSError):
                if data is None:
                    place.unlink(missing_ok=True)
                elif not place.is_file() or place.read_bytes() != data:
                    write_bytes(place, data)
        raise


def _refuse_invalid_workflow(root: Path) -> None:
    """What the validator would refuse in ``sop.yml`` or ``roster.yml`` is never signed:
    every error listed, nothing written."""
    for rel in (SOP_PATH, ROSTER_PATH):
        _text(root, rel)  # (an unreadable file is refused as such)
    try:
        load_roster(root, load_sop(root)[0])
    except ConfigError as exc:
        listed = [f.text() for f in exc.findings if f.is_error]
        raise RefusedError(
            "\n".join([f"{exc.message}:", *listed, _("nothing was signed")])
        ) from None


def _text(root: Path, rel: Path) -> str:
    try:
        data = workflow_bytes(root, rel)
    except safefs.UnsafePath as exc:  # (a link or an outsized file: a traceback before)
        raise ConfigError(
            _("{problem}; nothing was signed").format(problem=exc)
        ) from None
    decoded = decode(data, rel.as_posix())
    if decoded.text is None:
        listed = "; ".join(f.message for f in decoded.findings)
        raise RefusedError(
            _("{path}: cannot be read ({listed}); nothing was signed").format(
                path=rel.as_posix(), listed=listed
            )
        )
    return decoded.text


def _still_signed(root: Path, rel: Path, trust: TrustRoot, verifier: SshsigVerifier) -> int | None:
    """The serial of ``rel`` if its signature by an administrator still covers it exactly
    (then it needs no new one), else None."""
    serial, _problems = serial_in(_text(root, rel), rel.as_posix())
    if serial is None or check_workflow_signature(root, rel, trust, verifier):
        return None
    return serial.value


def _next_serial(root: Path, rel: Path, seen: int) -> tuple[int, str]:
    """The serial after ``rel``'s own and after the highest this machine has seen (so that
    a restored older file, signed again, still moves forward), and the text carrying it."""
    text = _text(root, rel)
    current, _problems = serial_in(text, rel.as_posix())
    serial = max(current.value if current is not None else 0, seen) + 1
    return serial, with_serial(text, serial, rel.as_posix())


def unsigned_now(root: Path) -> list[str]:
    """The administrator's files whose signature does not cover them as they are now (a
    workflow file edited since it was signed, a page of the site changed, added or removed
    without a new manifest): what an administrator would sign unseen along with a change of
    their own. Empty when everything is signed."""
    trust = load_trust_root(root)
    verifier = SshsigVerifier()
    out: list[str] = []
    for rel in (SOP_PATH, ROSTER_PATH, SITE_MANIFEST_PATH):
        try:
            signed = _still_signed(root, rel, trust, verifier)
        except WartaError:
            signed = None
        if signed is None:
            out.append(rel.as_posix())
    try:
        manifest, _findings = sitemanifest.load_site_manifest(root)
        listed = dict(manifest.files)
        out += [
            change[2:]
            for change in sitemanifest.changes(listed, site_sources(root, manifest.allow))
        ]
    except WartaError:
        out.append(SITE_MANIFEST_PATH.as_posix())
    return list(dict.fromkeys(out))
