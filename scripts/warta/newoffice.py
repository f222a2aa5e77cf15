"""``warta init``: a new office's repository, made from the files Warta carries.

The repository holds what an office needs and nothing of Warta's own: the SOP bundled with
Warta, a roster holding the administrator, the trust root, the signed site manifest, the
site's pages and ``mkdocs.yml`` carrying the office's name, the CI files for three forges,
``CODEOWNERS``, ``.gitignore`` and a short README in Indonesian. It is built in a temporary
folder beside the target and moved into place only once it is complete and committed, so an
interrupted or refused init leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from string import Template
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from warta import __version__, codeowners
from warta.adapters import git as gitops
from warta.adapters import rosterfile
from warta.adapters.ssh import KeygenSigner, canonical_key, key_kinds
from warta.adapters.trust import TRUST_ROOT_PATH, trust_fingerprint
from warta.adapters.workflow import ROSTER_PATH, SOP_PATH
from warta.adapters.yamlnodes import quoted
from warta.administer import sign_all
from warta.ci import ci_files
from warta.errors import RefusedError, UsageError
from warta.i18n import _
from warta.model.demokeys import is_demo_key
from warta.model.findings import NOT_ARGUMENT_TEXT
from warta.model.signing import fingerprint

#: The office's time zone names and their IANA zones.
TIMEZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}

_OFFICE = re.compile(r"[A-Z][A-Za-z0-9.'()-]*(?: [A-Za-z0-9.'()-]+){1,8}")
_ADMIN_ID = re.compile(r"[a-z][a-z0-9-]{0,31}")
#: one line of text (no control, line-separator or direction character, no lone surrogate:
#: bytes that were not UTF-8)
_NAME = re.compile(f"[^{NOT_ARGUMENT_TEXT}]{{1,100}}")


@dataclass(frozen=True)
class Office:
    """What ``warta init`` is told about the office."""

    office: str
    site_url: str
    timezone: str = "WIB"
    admin_id: str = "admin"
    admin_name: str = "Administrator Warta"
    admin_forge: tuple[tuple[str, str], ...] = ()
    #: SHA-256 of the Warta wheel CI installs; None: CI checks the version only
    warta_sha256: str | None = None
    #: the forge CODEOWNERS is written for (default: the administrator's, else github)
    forge_name: str | None = None

    @property
    def forge(self) -> str:
        if self.forge_name is not None:
            return self.forge_name
        return self.admin_forge[0][0] if self.admin_forge else "github"

    @property
    def unit(self) -> str:
        return f"Bagian Kominfo dan Humas, Sekretariat Daerah {self.office}"


@dataclass(frozen=True)
class Created:
    root: Path
    fingerprint: str
    admin: str
    admin_key: str
    commit: str
    files: tuple[str, ...]


def check(office: Office) -> Office:
    """``office`` with its URL normalised; UsageError naming the option that is wrong."""
    if not _OFFICE.fullmatch(office.office):
        raise UsageError(
            _(
                "--office {office!r}: expected the region's name, e.g. 'Kabupaten Sukamaju' "
                "(letters, digits, spaces, . ' ( ) -)"
            ).format(office=office.office)
        )
    if office.timezone not in TIMEZONES:
        raise UsageError(_(
            "--timezone {timezone!r}: expected one of {value}"
        ).format(timezone=office.timezone, value=', '.join(TIMEZONES)))
    url = urlsplit(office.site_url)
    if (
        url.scheme != "https"
        or not url.hostname
        or url.username
        or url.password
        or url.query
        or url.fragment
        or not re.fullmatch(r"[A-Za-z0-9.-]+(?::[0-9]+)?", url.netloc)
        or not re.fullmatch(r"[A-Za-z0-9/._~-]*", url.path)
    ):
        raise UsageError(
            _(
                "--site-url {site_url!r}: expected the site's https address, e.g. "
                "https://warta.sukamajukab.go.id/"
            ).format(site_url=office.site_url)
        )
    if not _ADMIN_ID.fullmatch(office.admin_id):
        raise UsageError(
            _(
                "--admin-id {admin_id!r}: expected a-z, 0-9 and '-', starting with a letter"
            ).format(admin_id=office.admin_id)
        )
    if not _NAME.fullmatch(office.admin_name):
        raise UsageError(_(
            "--admin-name {admin_name!r}: expected a name on one line"
        ).format(admin_name=office.admin_name))
    if office.warta_sha256 is not None and not re.fullmatch(r"[0-9a-f]{64}", office.warta_sha256):
        raise UsageError(
            _(
                "--warta-sha256 {warta_sha256!r}: expected 64 lowercase hex digits"
            ).format(warta_sha256=office.warta_sha256)
        )
    path = url.path if url.path.endswith("/") else f"{url.path}/"
    return replace(office, site_url=f"https://{url.netloc}{path}")


def _template(name: str) -> Template:
    return Template(resources.files("warta").joinpath("office", name).read_text("utf-8"))


def office_id(office: Office) -> str:
    """A new office's id, which every signature in its repository covers: the region's name
    and 12 random hex digits, so that no other repository (another office's, or a practice
    one made with ``warta init`` by the same people) ever has the same."""
    words = re.sub(r"[^a-z0-9]+", "-", office.office.lower()).strip("-")[:40].strip("-")
    return f"{words or 'kantor'}-{secrets.token_hex(6)}"


def office_files(office: Office, admin_key: str, today: str, ident: str) -> dict[str, str]:
    """Every file of the new repository but the signatures and the manifest (``ident``: the
    office's id, :func:`office_id`)."""
    site_name = f"Warta {office.office}"
    plain = {
        "site_name": site_name,
        "unit": office.unit,
        "version": __version__,
    }
    yaml_values = {
        "site_name": quoted(site_name),
        "site_description": quoted(
            f"Berita pembangunan daerah dari {office.unit}. Setiap berita disetujui menurut"
            " SOP dan ditandatangani secara digital."
        ),
        "site_author": quoted(office.unit),
        "site_url": quoted(office.site_url),
        "copyright": quoted(f"Pemerintah {office.office} — Bagian Kominfo dan Humas"),
        "unit": office.unit,
    }
    admin: dict[str, object] = {"id": office.admin_id, "name": office.admin_name, "roles": []}
    if office.admin_forge:
        admin["forge"] = dict(office.admin_forge)
    admin["keys"] = [{"key": admin_key, "from": today}]
    roster_header = _template("roster.yml").template.split("\nserial:")[0]
    roster = rosterfile.RosterDoc(roster_header, 0, False, [admin])
    trust = _template("trust-root").template + (
        f"office {ident}\n{office.admin_id} {admin_key} {office.admin_name}\n"
    )
    return {
        **ci_files(__version__, office.warta_sha256),
        SOP_PATH.as_posix(): _template("sop.yml").substitute(
            organisation=quoted(f"Pemerintah {office.office}"),
            timezone=TIMEZONES[office.timezone],
        ),
        ROSTER_PATH.as_posix(): rosterfile.render(roster),
        TRUST_ROOT_PATH.as_posix(): trust,
        "mkdocs.yml": _template("mkdocs.yml").substitute(yaml_values),
        "content/index.md": _template("index.md").substitute(plain),
        "content/tentang.md": _template("tentang.md").substitute(plain),
        "README.md": _template("README.md").substitute(plain),
        ".gitignore": _template("gitignore").template,
    }


def _empty_target(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise UsageError(_(
            "{target}: exists and is not a folder; expected a new or empty folder"
        ).format(target=target))
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(
            _(
                "{target}: the folder is not empty; expected a new or empty folder (warta init "
                "never writes over files)"
            ).format(target=target)
        )


def _commit(root: Path, office: Office) -> str:
    gitops.git(root, "add", "-A")
    identity: list[str] = []
    for key, fallback in (
        ("user.name", office.admin_name),
        ("user.email", f"{office.admin_id}@warta.invalid"),
    ):
        if not gitops.git(root, "config", "--get", key, check=False).stdout.strip():
            identity += ["-c", f"{key}={fallback}"]
    result = gitops.git(
        root,
        *identity,
        "commit",
        "-q",
        "-m",
        f"warta init: {office.office}",
        "-m",
        f"Made by warta {__version__}: SOP, roster, trust root, site and CI.\n\n"
        f"{gitops.TRAILER_ADMIN}: {office.admin_id}",
        check=False,
    )
    if result.returncode != 0:
        raise RefusedError(
            _("git commit failed: {output}").format(
                output=result.stderr.strip() or result.stdout
            )
        )
    return gitops.git(root, "rev-parse", "HEAD").stdout.strip()


def create(target: Path, office: Office, signer: KeygenSigner) -> Created:
    """Make and commit the office's repository at ``target`` (new or an empty folder)."""
    office = check(office)
    target = target.expanduser().absolute()
    _empty_target(target)
    if is_demo_key(signer.public_key):
        raise RefusedError(
            _(
                "key {fingerprint} is one of Warta's DEMO keys, whose private half is public; an "
                "office's administrator needs a key of their own"
            ).format(fingerprint=fingerprint(signer.public_key))
        )
    admin_key = " ".join(signer.public_key.split()[:2])
    if canonical_key(admin_key) != admin_key:  # (an ECDSA key signed what never verified)
        raise UsageError(
            _(
                "--admin-key: a key of a type Warta verifies ({types}) is needed; found {key}"
            ).format(types=key_kinds(), key=admin_key.split()[0])
        )
    today = datetime.now(UTC).astimezone(ZoneInfo(TIMEZONES[office.timezone])).date()
    target.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=".warta-init-", dir=target.parent))
    try:
        files = office_files(office, admin_key, today.isoformat(), office_id(office))
        for rel, text in files.items():
            path = build / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        gitops.git(build, "init", "-q", "-b", "main")
        signed = sign_all(build, signer)
        codeowners.write(
            codeowners.generate(
                build,
                forge=office.forge,
                pin=trust_fingerprint(files[TRUST_ROOT_PATH.as_posix()]),
            )
        )
        sha = _commit(build, office)
        tree = gitops.git(build, "ls-files").stdout.split()
        with contextlib.suppress(FileNotFoundError):
            target.rmdir()  # empty, checked above
        os.rename(build, target)
        mask = os.umask(0)
        os.umask(mask)
        target.chmod(0o777 & ~mask)  # mkdtemp made it private to this user
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return Created(
        target,
        trust_fingerprint(files[TRUST_ROOT_PATH.as_posix()]),
        signed.admin,
        admin_key,
        sha,
        tuple(tree),
    )


def guidance(made: Created) -> str:
    """What ``warta init`` prints: the pin and the steps that make it binding."""
    return _(
        "Office repository made in {root} (commit {commit}).\n"
        "Administrator: {admin} ({admin_key}).\n"
        "\n"
        "Trust root fingerprint (pin):\n"
        "  {pin}\n"
        "\n"
        "Next steps:\n"
        "1. Save that pin as a CI variable named WARTA_TRUST_ROOT, in the repository's settings\n"
        "   (outside the repository's files; only administrators may change it):\n"
        "   - GitHub: Settings > Secrets and variables > Actions > Variables > New repository"
        " variable\n"
        "   - Forgejo/Gitea: Settings > Actions > Variables > Add variable\n"
        "   - GitLab: Settings > CI/CD > Variables > Add variable (Visibility: Visible, not\n"
        "     Protected, so that merge request pipelines read it too; see Warta's README)\n"
        "2. Push to the server:\n"
        "   git -C {root} remote add origin REPOSITORY-URL\n"
        "   git -C {root} push -u origin main\n"
        "3. Protect the main branch: no force push, changes only through pull requests,\n"
        "   the \"warta\" CI check must pass on a branch up to date with main, the code\n"
        "   owners' (CODEOWNERS) approval required.\n"
        "   A git server without a forge: warta hook install /srv/git/REPO.git --trust-root {pin}\n"
        "4. Add the staff (every change is signed and committed):\n"
        "   warta roster add ID --name \"...\" --nip \"...\" --role staf --key KEY.pub"
        " --root {root}\n"

        "5. Check the site: cd {root} && warta build --trust-root {pin}\n"
    ).format(
        root=made.root,
        commit=made.commit[:10],
        admin=made.admin,
        admin_key=fingerprint(made.admin_key),
        pin=made.fingerprint,
    )
