"""CODEOWNERS from the roster: who must approve a pull request, per part of the repository.

Administrators (the trust root's admin ids, matched to roster people with the same id) own
everything outside ``content/berita/``; the people who hold a news-owning role (the Kasubag
and the Kabag, see :func:`news_roles`) today or later, Plt. periods that have not ended
included, own ``content/berita/``. Only forge accounts from the roster are used.

How each forge reads the file (checked in their documentation):

- GitHub and GitLab: gitignore-like patterns; the *last* matching pattern wins, so ``*``
  first and ``/content/berita/`` after it give the news to the editors alone.
- Forgejo (and Gitea): each pattern is a Go regular expression anchored at both ends, ``!``
  negates it, and *every* matching rule requests its owners; so the administrators get
  ``!content/berita/.*`` (everything but the news) and the editors ``content/berita/.*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from warta.model.roster import FORGES, Person, Roster
from warta.model.sop import Sop
from warta.model.translate import _

NEWS_PATH = "content/berita/"
CODEOWNERS_FILE = "CODEOWNERS"
#: A forge user name as roster.yml allows it (checked again here: this text is a mention).
_ACCOUNT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")

#: (everything but the news, the news) per forge
_PATTERNS = {
    "github": ("*", f"/{NEWS_PATH}"),
    "gitlab": ("*", f"/{NEWS_PATH}"),
    "forgejo": (f"!{NEWS_PATH}.*", f"{NEWS_PATH}.*"),
}


@dataclass(frozen=True)
class Owners:
    """Who owns what on one forge: accounts (sorted, without '@') and the people left out."""

    forge: str
    admins: tuple[str, ...]
    news: tuple[str, ...]
    #: administrators without an account on this forge (roster ids; an admin id that names
    #: no roster person is listed too)
    admins_without: tuple[str, ...] = ()
    #: news owners without an account on this forge (roster ids)
    news_without: tuple[str, ...] = ()

    def warnings(self) -> list[str]:
        """What the file cannot do, for the person who writes it."""
        out = []
        if self.admins_without:
            out.append(
                _(
                    "administrator(s) without a {forge} account in the roster, not owners: {people}"
                ).format(forge=self.forge, people=", ".join(self.admins_without))
            )
        if self.news_without:
            out.append(
                _(
                    "news owner(s) without a {forge} account in the roster, not owners: {people}"
                ).format(forge=self.forge, people=", ".join(self.news_without))
            )
        if not self.admins:
            out.append(
                _(
                    "nobody owns the files outside {news} on {forge}: the file protects"
                    " nothing there (give an administrator a forge account in roster.yml)"
                ).format(news=NEWS_PATH, forge=self.forge)
            )
        if not self.news:
            out.append(
                _(
                    "nobody owns {news} on {forge}: the file protects nothing there"
                    " (give the Kasubag or Kabag a forge account in roster.yml)"
                ).format(news=NEWS_PATH, forge=self.forge)
            )
        return out


def news_roles(sop: Sop) -> tuple[str, ...]:
    """The roles that own the news: every role that signs a step other than writing the
    text (``edits: true`` alone), in this SOP the Kabag and the Kasubag (not the staff)."""
    return tuple(dict.fromkeys(step.role for step in sop.steps if not step.edits))


def forges_in(roster: Roster) -> tuple[str, ...]:
    """The forges any person of the roster has an account on, in the order of FORGES."""
    named = {forge for person in roster.people.values() for forge, _account in person.forge}
    return tuple(f for f in FORGES if f in named)


def _current(person: Person, roles: Iterable[str], today: date) -> bool:
    """Whether ``person`` holds one of ``roles`` today or later (an ended period does not),
    with a key that may sign today or later (someone whose every key is revoked stayed an
    owner; found by an independent attack)."""
    wanted = set(roles)
    signs = any(k.revoked is None or k.revoked > today for k in person.keys)
    return signs and any(
        h.role in wanted and (h.end is None or h.end >= today) for h in person.holdings)


def _accounts(people: Iterable[Person], forge: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    accounts: dict[str, str] = {}
    without: list[str] = []
    for person in people:
        account = person.account(forge)
        if account is None or not _ACCOUNT.fullmatch(account):
            without.append(person.id)
        else:
            accounts.setdefault(account.lower(), account)  # forges ignore case
    ordered = tuple(accounts[key] for key in sorted(accounts))
    return ordered, tuple(sorted(set(without)))


def owners(
    roster: Roster,
    admin_ids: Sequence[str],
    forge: str,
    today: date,
    roles: Sequence[str],
) -> Owners:
    """Who owns what on ``forge``: the administrators named ``admin_ids`` (the trust root's)
    and the holders of ``roles`` (:func:`news_roles`) on ``today`` or later."""
    if forge not in _PATTERNS:
        raise ValueError(f"unknown forge {forge!r}; expected one of {', '.join(FORGES)}")
    admins = [roster.people[a] for a in admin_ids if a in roster.people]
    unknown = tuple(a for a in admin_ids if a not in roster.people)
    admin_accounts, admins_without = _accounts(admins, forge)
    editors = [p for p in roster.people.values() if _current(p, roles, today)]
    news_accounts, news_without = _accounts(editors, forge)
    return Owners(
        forge,
        admin_accounts,
        news_accounts,
        tuple(sorted({*admins_without, *unknown})),
        news_without,
    )


def render(found: Owners) -> str:
    """The text of CODEOWNERS for ``found`` (a pattern nobody owns is left as a comment)."""
    everything, news = _PATTERNS[found.forge]
    rule = (
        "every matching line requests its owners" if found.forge == "forgejo" else "later lines win"
    )
    lines = [
        f"# Generated by Warta from workflow/roster.yml for {found.forge}; do not edit by hand:",
        "# regenerate it with `warta codeowners` (warta codeowners --check: is it current?).",
        f"# Administrators own everything outside {NEWS_PATH}; the Kasubag and Kabag own"
        f" {NEWS_PATH} ({rule}).",
    ]
    if found.admins_without:
        lines.append(
            f"# Administrators without a {found.forge} account: " + ", ".join(found.admins_without)
        )
    if found.news_without:
        lines.append(
            f"# News owners without a {found.forge} account: " + ", ".join(found.news_without)
        )
    lines.append("")
    for pattern, accounts in ((everything, found.admins), (news, found.news)):
        if accounts:
            lines.append(" ".join([pattern, *(f"@{a}" for a in accounts)]))
        else:
            lines.append(f"# {pattern} (nobody: no account in the roster)")
    return "\n".join(lines) + "\n"


def render_codeowners(
    roster: Roster,
    admin_ids: Sequence[str],
    forge: str,
    today: date,
    roles: Sequence[str] = ("kabag", "kasubag"),
) -> str:
    """The CODEOWNERS text for ``forge`` from a verified ``roster``, the trust root's
    ``admin_ids`` and the news-owning ``roles`` (:func:`news_roles` of the SOP) on ``today``.
    Pure: reads and writes nothing."""
    return render(owners(roster, admin_ids, forge, today, roles))
