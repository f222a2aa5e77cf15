"""The CLI's help in the running language: click command and group classes that translate
their help, option help and epilog when they are shown (they are defined at import, before
``--lang`` is read) and the ``--lang`` option. Their texts reach the catalogues through
:func:`warta.msgextract.extract`.
"""

from __future__ import annotations

import copy
import importlib
import inspect

import click
from click.utils import _make_default_short_help

from warta import i18n
from warta.i18n import N_, _

#: click's own words in Warta's help, translated by Warta's catalogues.
CLICK_TEXTS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("default: {default}"),
    N_("required"),
)


#: What click itself says when a command is called wrongly, translated by Warta's catalogues
#: (click asks the standard library's gettext, which knows no Indonesian). A pair is what
#: click gives ``ngettext``: each form is a message of its own (Indonesian has no plural).
CLICK_MESSAGES = (
    N_("Aborted!"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("No such option {name!r}."),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("file"),
    N_("directory"),
    N_("path"),
)
CLICK_PLURALS = (
    (N_("Did you mean {possibility}?"), N_("(Did you mean one of: {possibilities}?)")),
    (N_("Got unexpected extra argument ({args})"), N_("Got unexpected extra arguments ({args})")),
    (
        N_("Option {name!r} requires an argument."),
        N_("Option {name!r} requires {nargs} arguments."),
    ),
    (N_("{value!r} is not {choice}."), N_("{value!r} is not one of {choices}.")),
)
#: click's modules that say something to the user.
_CLICK_MODULES = ("core", "exceptions", "parser", "types", "decorators", "termui", "formatting")


def _click_plural(singular: str, plural: str, n: int) -> str:
    return _(singular) if n == 1 else _(plural)


def speak_click() -> None:
    """Have click's own messages translated in the running language (at start, once)."""
    for name in _CLICK_MODULES:
        names = vars(importlib.import_module(f"click.{name}"))  # (the module's globals)
        if "_" in names:
            names["_"] = _
        if "ngettext" in names:
            names["ngettext"] = _click_plural


class Formatter(click.HelpFormatter):
    """click's help formatter, with its headings in the running language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, f"{_('Usage:')} " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))


class Context(click.Context):
    formatter_class = Formatter


def _option_help(help_text: str) -> str:
    """An option's help with click's additions (``[default: …; required]``) translated."""
    text, mark, extra = help_text.partition("  [")
    if not mark or not extra.endswith("]"):
        return help_text
    parts = []
    for part in extra[:-1].split("; "):
        name, colon, value = part.partition(": ")
        if colon and name == "default":
            parts.append(_("default: {default}").format(default=value))
        else:
            parts.append(_(part))
    return f"{text}{mark}{'; '.join(parts)}]"


class Command(click.Command):
    """A click command whose help is shown in the running language."""

    context_class = Context

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_(inspect.cleandoc(self.help).partition("\f")[0]))

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_(inspect.cleandoc(self.epilog)))

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return _(inspect.cleandoc(self.short_help)).strip()
        if self.help:
            return _make_default_short_help(_(inspect.cleandoc(self.help)), limit).strip()
        return ""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                continue
            shown = copy.copy(param)
            if isinstance(shown, click.Option) and shown.help:
                shown.help = _(shown.help)
            record = shown.get_help_record(ctx)
            if record is not None:
                rows.append((record[0], _option_help(record[1])))
        if rows:
            with formatter.section("Options"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class Group(Command, click.Group):
    """A click group whose help, and whose commands' help, is shown in the running language."""

    command_class = Command
    group_class: type[click.Group] | type[type] | None = type


def _lang_in(args: list[str]) -> str | None:
    """The value of ``--lang`` among the group's own options (before the command's name)."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if not arg.startswith("-"):
            return None
    return None


class RootGroup(Group):
    """The ``warta`` group: it chooses the language (``--lang``, else the environment) before
    it reads anything else, so that even ``warta --help --lang en`` is English. Its
    subgroups (``warta trust``) are plain :class:`Group`: choosing again there would undo
    ``warta --lang en trust …``."""

    group_class = Group

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        wanted = _lang_in(args)
        i18n.set_language(wanted if wanted in i18n.LANGUAGES else None)
        return super().parse_args(ctx, args)


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    del ctx, param
    if value is not None:
        i18n.set_language(value)


LANG = click.option(
    "--lang",
    type=click.Choice(i18n.LANGUAGES),
    default=None,
    is_eager=True,
    expose_value=False,
    callback=_set_lang,
    help=N_(
        "Language of messages: id (Indonesian) or en (English); default: LC_ALL, LC_MESSAGES"
        " or LANG (en… is English), else Indonesian."
    ),
)
