"""The clock Warta judges and signs by: this machine's, or the one ``WARTA_NOW`` fixes.

``WARTA_NOW`` (an ISO 8601 date-time with offset, e.g. ``2026-12-24T09:00:00+07:00``) is a
setting of the machine that runs Warta, never of the repository: no file of the repository
is read for it. Tests set it to build at a fixed moment; a CI may set it to rebuild the site
as it was due at a given time. It moves the notion of "now" for every check that looks at
the clock (an embargo that has passed, a signoff dated in the future) and for the time an
action signs, so whoever sets it is trusted as the build machine's own clock is.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from warta.adapters.schema import implausible
from warta.errors import UsageError
from warta.i18n import _
from warta.model.item import iso_moment

CLOCK_ENV = "WARTA_NOW"


def now() -> datetime:
    """The current time: ``WARTA_NOW`` when it is set (UsageError if it is not a plausible
    date-time with offset), else this machine's clock."""
    value = os.environ.get(CLOCK_ENV, "").strip()
    if not value:
        return datetime.now(UTC)
    return parse(value)


def parse(value: str) -> datetime:
    """``value`` as a fixed clock (UsageError naming the variable when it is not one)."""
    moment = iso_moment(value)
    if moment is None:
        raise UsageError(
            _(
                "{variable}={value!r}: expected an ISO 8601 date-time with offset,"
                " e.g. 2026-12-24T09:00:00+07:00"
            ).format(variable=CLOCK_ENV, value=value[:60])
        )
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise UsageError(
            _("{variable}={value!r}: expected a UTC offset such as +07:00").format(
                variable=CLOCK_ENV, value=value[:60]
            )
        )
    problem = implausible(moment)
    if problem is not None:
        raise UsageError(
            _("{variable}={value!r}: expected a date-time {problem}").format(
                variable=CLOCK_ENV, value=value[:60], problem=problem
            )
        )
    return moment
