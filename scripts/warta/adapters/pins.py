"""Where a pin of the trust root comes from: only from outside the repository.

In this order: the ``--trust-root`` option, the ``WARTA_TRUST_ROOT`` environment variable,
then this user's pin file, ``$XDG_CONFIG_HOME/warta/pins.yml`` (default
``~/.config/warta/pins.yml``), which maps a repository's absolute path to its fingerprint::

    /home/ana/warta-kominfo: sha256:0b6f…

No file in the repository can set, change or weaken a pin: a pin file that lies inside the
repository (an ``XDG_CONFIG_HOME`` pointing into the working tree) is refused, like the
``trust_root`` option in mkdocs.yml (:mod:`warta.adapters.siteconfig`). Without any pin, the
trust-on-first-use record of :mod:`warta.adapters.tofu` holds the repository to the trust root
this machine saw first.
"""

from __future__ import annotations

import os
from pathlib import Path

from warta.adapters.cachekey import inside, xdg_home
from warta.adapters.schema import type_name
from warta.adapters.textfile import read_text
from warta.adapters.trust import PIN_ENV
from warta.adapters.yamlnodes import YamlError, YMap, parse
from warta.errors import ConfigError, UsageError
from warta.i18n import _
from warta.model.findings import Finding, error
from warta.model.pin import FINGERPRINT, Pin, PinSource

PIN_OPTION = "--trust-root"
PIN_FILE_RULE = "trust.pin-file"


def user_pin_file() -> Path:
    return xdg_home("XDG_CONFIG_HOME", ".config") / "warta" / "pins.yml"


def resolve_pin(root: Path, option: str | None) -> Pin | None:
    """The pin in force for the repository at ``root``, or None (then: trust on first use).
    ConfigError if the pin file is broken or lies inside the repository."""
    if option is not None:
        return Pin(_checked(option.strip(), PIN_OPTION), PinSource.OPTION, PIN_OPTION)
    env = os.environ.get(PIN_ENV, "")
    if env:  # (set to blanks is a pin mistyped, never "no pin": that would trust on first use)
        return Pin(_checked(env.strip(), PIN_ENV), PinSource.ENVIRONMENT, PIN_ENV)
    return _from_file(root, user_pin_file())


def _checked(value: str, where: str) -> str:
    """``value`` if it is a fingerprint; UsageError (exit 2) otherwise: a pin mistyped, or an
    empty or garbled CI variable, is the operator's mistake, not a finding in the
    repository."""
    if not FINGERPRINT.match(value):
        raise UsageError(
            _("{where} {value!r}: expected sha256: and 64 hex digits").format(
                where=where, value=value
            )
        )
    return value


def _from_file(root: Path, path: Path) -> Pin | None:
    display = str(path)
    if not path.exists():
        return None
    if inside(path, root):
        raise ConfigError(
            _("{display}: the pin file lies inside the repository").format(display=display),
            [
                error(
                    display,
                    None,
                    "trust.pin-in-repository",
                    _(
                        "a pin must come from outside the repository; found this user's pin"
                        " file {display} inside {root}, where a commit could write it (set"
                        " XDG_CONFIG_HOME to a folder outside the working tree)"
                    ).format(display=display, root=root),
                )
            ],
        )
    result = read_text(path, display, max_bytes=1024 * 1024)
    if result.text is None:
        raise ConfigError(
            _("{display}: the pin file is unreadable").format(display=display), result.findings
        )
    try:
        data = parse(result.text) if result.text.strip() else YMap()
    except YamlError as exc:
        raise ConfigError(
            _("{display}: the pin file does not parse").format(display=display),
            [error(display, exc.line, PIN_FILE_RULE, exc.message)],
        ) from None
    if not isinstance(data, YMap):
        raise ConfigError(
            _("{display}: the pin file is not a mapping").format(display=display),
            [
                _bad(
                    display,
                    1,
                    _("a mapping of repository paths to fingerprints"),
                    type_name(data),
                )
            ],
        )
    found: list[Pin] = []
    problems: list[Finding] = []
    real = root.resolve()
    for key, value in data.items():
        line = data.line_of(key)
        if not isinstance(value, str) or not FINGERPRINT.match(value.strip()):
            problems.append(
                _bad(
                    display,
                    line,
                    _("{key!r} to map to a fingerprint (sha256:…)").format(key=key),
                    repr(value),
                )
            )
            continue
        where = Path(os.path.expanduser(str(key)))
        if not where.is_absolute():
            problems.append(_bad(display, line, _("an absolute repository path as key"), repr(key)))
            continue
        if where.resolve() == real:
            found.append(Pin(value.strip(), PinSource.USER_FILE, f"{display}:{line}"))
    if len({p.fingerprint.lower() for p in found}) > 1:
        listed = ", ".join(f"{p.fingerprint} ({p.where})" for p in found)
        problems.append(
            _bad(
                display,
                None,
                _("one fingerprint for {path}").format(path=real),
                _("several: {listed}").format(listed=listed),
            )
        )
    if problems:
        raise ConfigError(_("{display}: the pin file is invalid").format(display=display), problems)
    return found[0] if found else None


def _bad(display: str, line: int | None, expected: str, found: str) -> Finding:
    return error(
        display,
        line,
        PIN_FILE_RULE,
        _("expected {expected}; found {found}").format(expected=expected, found=found),
    )
