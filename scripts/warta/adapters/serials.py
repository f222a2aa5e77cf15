"""The signed serials of the workflow files, against rollback.

``workflow/sop.yml``, ``workflow/roster.yml`` and ``workflow/site-manifest.yml`` each carry a
top-level ``serial: N`` (a whole number from 1), covered by the file's signature.
``warta trust sign`` raises the serial of every file whose content it signs anew, so a newer
signed version always has a higher serial than the ones before it. An older file restored
with its old signature (a revoked key brought back, a step given back to a role) still
verifies, but its serial is lower than the one this machine has seen (:mod:`warta.adapters.tofu`)
or than the target branch's (``warta validate --base``).

The serial is read from the bytes the signature covers
(:func:`~warta.adapters.trust.workflow_bytes`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from warta.adapters import safefs
from warta.adapters.schema import type_name
from warta.adapters.sitemanifest import SITE_MANIFEST_PATH
from warta.adapters.textfile import decode
from warta.adapters.trust import workflow_bytes
from warta.adapters.workflow import ROSTER_PATH, SOP_PATH
from warta.adapters.yamlnodes import YamlError, YMap, parse
from warta.errors import ConfigError, RefusedError
from warta.i18n import _
from warta.model.findings import Finding, error

SERIAL_FILES = (SOP_PATH, ROSTER_PATH, SITE_MANIFEST_PATH)
#: Serials stay exact in JSON (and in any tool that reads the TOFU record).
MAX_SERIAL = 2**53 - 1
SERIAL_RULE = "workflow.serial"
_LINE = re.compile(r"^(serial[ \t]*:[ \t]*)[^#\n]*?([ \t]+#[^\n]*)?$", re.MULTILINE)
NOTE = "  # raised by warta trust sign with each signed change (against rollback)"


@dataclass(frozen=True)
class Serial:
    path: str
    value: int
    line: int


def serial_in(text: str, display: str) -> tuple[Serial | None, list[Finding]]:
    """The top-level ``serial`` of the workflow file ``display`` (text as signed)."""
    try:
        data = parse(text)
    except YamlError as exc:
        return None, [error(display, exc.line, exc.rule, exc.message)]
    if not isinstance(data, YMap):
        return None, [
            error(
                display,
                1,
                "schema.type",
                _("must be a mapping; found {found}").format(found=type_name(data)),
            )
        ]
    if "serial" not in data:
        return None, [
            error(
                display,
                1,
                SERIAL_RULE,
                _(
                    "expected a top-level 'serial: N' in {display} (a whole number from 1, raised"
                    " by warta trust sign at each signed change); found none"
                ).format(display=display),
            )
        ]
    value, line = data["serial"], data.line_of("serial")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SERIAL:
        return None, [
            error(
                display,
                line,
                SERIAL_RULE,
                _("'serial' must be a whole number from 1 to {most}; found {found}").format(
                    most=MAX_SERIAL, found=value if type(value) is int else type_name(value)
                ),
            )
        ]
    return Serial(display, value, line), []


def read_serials(root: Path) -> dict[str, Serial]:
    """The serials of the three workflow files by repository path (ConfigError listing
    every file whose serial is missing or not a whole number)."""
    out: dict[str, Serial] = {}
    findings: list[Finding] = []
    for rel in SERIAL_FILES:
        display = rel.as_posix()
        try:
            raw = workflow_bytes(root, rel)
        except (safefs.UnsafePath, OSError) as exc:
            raise ConfigError(
                _("{display}: unreadable: {error}").format(display=display, error=exc)
            ) from None
        decoded = decode(raw, display)
        if decoded.text is None:
            findings.extend(decoded.findings)
            continue
        serial, problems = serial_in(decoded.text, display)
        findings.extend(problems)
        if serial is not None:
            out[display] = serial
    if findings:
        raise ConfigError(
            _("{count} workflow file(s) without a valid serial").format(count=len(findings)),
            findings,
        )
    return out


def with_serial(text: str, serial: int, display: str) -> str:
    """``text`` with its top-level ``serial`` set to ``serial`` (added after the opening
    comments if it has none); RefusedError if the result would not read back so."""
    match = _LINE.search(text)
    if match is not None:
        rest = f"{match.group(1)}{serial}{match.group(2) or ''}"
        out = f"{text[: match.start()]}{rest}{text[match.end() :]}"
    else:
        lines = text.splitlines(keepends=True)
        at = 0
        while at < len(lines) and (not lines[at].strip() or lines[at].startswith("#")):
            at += 1
        if at < len(lines) and lines[at].rstrip() == "---":
            at += 1
        out = "".join([*lines[:at], f"serial: {serial}{NOTE}\n", *lines[at:]])
    found, problems = serial_in(out, display)
    if found is None or found.value != serial:
        why = "; ".join(f"{f.location()}: {f.message}" for f in problems) or _(
            "expected a block mapping with at most one top-level 'serial:' line"
        )
        raise RefusedError(
            _(
                "{display}: cannot set 'serial: {serial}' ({why}); correct the file, then sign"
                " again; nothing was signed"
            ).format(display=display, serial=serial, why=why)
        )
    return out


def check_rollback(
    serials: Mapping[str, Serial], seen: Mapping[str, int], record: str, trust_root: str
) -> list[Finding]:
    """An error for every file whose serial is lower than the highest this machine has seen
    (``seen``, kept in the TOFU record ``record``)."""
    out: list[Finding] = []
    for path, serial in sorted(serials.items()):
        high = seen.get(path)
        if high is None or serial.value >= high:
            continue
        out.append(
            error(
                path,
                serial.line,
                "serial.rollback",
                _(
                    "serial must be at least {high}, the highest this machine has seen for"
                    " {path} (TOFU record {record}); found {found}: an older signed version was"
                    " restored, which undoes what an administrator signed since (a revoked key,"
                    " a changed step), so no workflow file and no item is trusted. Restore the"
                    " newest signed {path} and its .sig; only if you checked out an older state"
                    " on purpose, reset the record with: warta trust accept {trust_root}"
                ).format(
                    high=high, path=path, record=record, found=serial.value, trust_root=trust_root
                ),
            )
        )
    return out
