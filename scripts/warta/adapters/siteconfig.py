"""mkdocs.yml read by Warta before any MkDocs code runs, and refused where it could run or
include code or files.

MkDocs reads its configuration with PyYAML's unsafe loader (``!!python/object/apply`` runs
code), resolves ``!ENV`` from the environment, merges ``INHERIT`` files, imports ``hooks``,
plugins, Markdown extensions and ``!!python/name:`` objects, and renders ``custom_dir`` and
``extra_templates`` templates. So Warta reads the file itself (its own strict YAML: no tags
but ``!!python/name:``, no aliases), refuses by default everything on that list that is not
Warta's safe set, and ``warta build`` hands MkDocs the configuration it read, never the file.
An administrator may allow more, only in the signed site manifest (``allow``).
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from warta.adapters import safefs
from warta.adapters.sitemanifest import CONFIG_FILE, Allow
from warta.adapters.textfile import decode
from warta.adapters.yamlnodes import PythonName, YamlError, YList, YMap, parse
from warta.i18n import _
from warta.model.closure import NEWS, plain_relative
from warta.model.findings import Finding, error
from warta.site.sanitize import Policy as HtmlPolicy

SAFE_PLUGINS = frozenset({"search", "material/search", "warta"})
#: Markdown extensions that neither read files nor run code given in the configuration.
SAFE_EXTENSIONS = frozenset(
    {
        *("abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes"),
        *("md_in_html", "tables", "toc", "sane_lists", "smarty", "codehilite", "nl2br"),
        *(f"pymdownx.{name}" for name in ("superfences", "details", "tabbed", "highlight")),
        *(f"pymdownx.{name}" for name in ("inlinehilite", "emoji", "tasklist", "tilde")),
        *(f"pymdownx.{name}" for name in ("caret", "mark", "betterem", "smartsymbols")),
        *(f"pymdownx.{name}" for name in ("keys", "critic", "magiclink", "saneheaders")),
    }
)
#: MkDocs always adds these.
BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
SAFE_PYTHON_NAMES = frozenset(
    {
        "pymdownx.superfences.fence_code_format",
        "pymdownx.superfences.fence_div_format",
        "pymdownx.emoji.to_svg",
        "pymdownx.emoji.to_png",
        "pymdownx.emoji.to_alt",
        "pymdownx.emoji.twemoji",
        "pymdownx.emoji.emojione",
        "pymdownx.emoji.gemoji",
        "material.extensions.emoji.twemoji",
        "material.extensions.emoji.to_svg",
    }
)
#: Where the news live: mkdocs.yml must exclude it (fail closed without the plugin).
PROBE = f"{NEWS}2000/contoh/index.md"
DOCS_DIR = "content"
RESERVED_DIRS = frozenset({"content", "workflow", ".git", "scripts", "tests", ".ci"})
#: Options of the warta plugin a repository file may not set (trust comes from outside).
UNTRUSTED_OPTIONS = frozenset({"trust_root"})


@dataclass(frozen=True)
class SiteConfig:
    """The site configuration as Warta read it: the data handed to MkDocs, the Markdown
    extensions item bodies are rendered with, and what else the closure must cover."""

    data: YMap
    digest: str
    extensions: tuple[tuple[str, Any], ...] = ()
    site_dir: str = "site"
    custom_dir: str | None = None
    hooks: tuple[str, ...] = ()
    warta: Mapping[str, Any] = field(default_factory=dict)
    #: the ``!!python/name:`` objects :func:`plain` may import: Warta's safe ones and those
    #: of a verified ``allow``; no other is ever imported
    python_names: frozenset[str] = SAFE_PYTHON_NAMES

    def markdown_digest(self) -> str:
        """What the Markdown rendering depends on, as a digest (for caches)."""
        text = json.dumps(
            [[name, _jsonable(options)] for name, options in self.extensions], sort_keys=True
        )
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, PythonName):
        return {"!!python/name": value.name}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _extension_name(name: str) -> str:
    return name.removeprefix("markdown.extensions.")


def _entries(value: Any) -> Iterator[tuple[str, Any, int | None]]:
    """(name, options, line) of a plugins or markdown_extensions list."""
    if not isinstance(value, list):
        return
    for index, entry in enumerate(value):
        line = value.line_at(index) if isinstance(value, YList) else None
        if isinstance(entry, str):
            yield entry, {}, line
        elif isinstance(entry, dict) and len(entry) == 1:
            ((name, options),) = entry.items()
            yield str(name), options if options is not None else {}, line
        else:
            yield "?", {}, line


def _python_names(value: Any) -> Iterator[PythonName]:
    if isinstance(value, PythonName):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _python_names(child)
    elif isinstance(value, list):
        for child in value:
            yield from _python_names(child)


def read_site_config(root: Path, allow: Allow) -> tuple[SiteConfig | None, list[Finding]]:
    """mkdocs.yml read and judged; None (with findings) if it cannot be used at all."""
    try:
        raw = safefs.read_bytes(root, CONFIG_FILE, max_bytes=1024 * 1024)
    except safefs.UnsafePath as exc:
        return None, [error(CONFIG_FILE, None, "site.config", exc.reason)]
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    text = decode(raw, CONFIG_FILE)
    if text.text is None:
        return None, text.findings
    try:
        data = parse(text.text, python_names=True)
    except YamlError as exc:
        return None, [error(CONFIG_FILE, exc.line, exc.rule, exc.message)]
    if not isinstance(data, YMap):
        return None, [error(CONFIG_FILE, 1, "site.config", _("mkdocs.yml must be a mapping"))]
    findings = list(text.findings)
    config = judge_site_config(data, digest, allow, findings)
    return config, findings


def _fail(findings: list[Finding], line: int | None, rule: str, message: str) -> None:
    findings.append(error(CONFIG_FILE, line, rule, message))


def judge_site_config(data: YMap, digest: str, allow: Allow, findings: list[Finding]) -> SiteConfig:
    """Check ``data`` (mkdocs.yml) against Warta's safe defaults and ``allow``."""
    _refused_keys(data, allow, findings)
    warta = _plugins(data, allow, findings)
    hosts = warta.get("embed_hosts")
    if hosts is not None:
        try:
            if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
                raise ValueError(
                    _("expected a list of host names, found {found!r}").format(found=hosts)
                )
            HtmlPolicy.of(hosts)
        except ValueError as exc:
            _fail(findings, data.line_of("plugins"), "site.embed-hosts", f"embed_hosts: {exc}")
            warta.pop("embed_hosts")
    names = SAFE_PYTHON_NAMES | allow.python_names
    extensions = [
        # an extension given a name it may not import is left out (the finding below says
        # why): its options would otherwise hand an unchecked function to the renderer
        (name, options) for name, options in _extensions(data, allow, findings)
        if all(found.name in names for found in _python_names(options))
    ]
    for found in _python_names(data):
        if found.name not in names:
            _fail(
                findings,
                found.line,
                "site.python-name",
                _(
                    "!!python/name:{name} names Python code for the build to call;"
                    " expected one of Warta's safe names, or an administrator's allow"
                ).format(name=found.name),
            )
    site_dir = _folders(data, findings)
    custom = _theme(data, allow, findings)
    listed = data.get("hooks", [])
    if allow.hooks and not (
        isinstance(listed, list) and all(isinstance(h, str) for h in listed)
    ):
        _fail(
            findings,
            data.line_of("hooks"),
            "site.config-key",
            _("hooks must be a list of files inside the repository; found {found!r}").format(
                found=listed
            ),
        )
        listed = []
    hooks = tuple(listed) if allow.hooks else ()
    for hook in hooks:
        if not plain_relative(hook):
            _fail(
                findings,
                data.line_of("hooks"),
                "site.config-key",
                _("hook must be a file inside the repository; found {found!r}").format(found=hook),
            )
    return SiteConfig(
        data,
        digest,
        tuple(extensions),
        str(site_dir),
        str(custom) if custom else None,
        hooks,
        warta,
        names,
    )


def _refused_keys(data: YMap, allow: Allow, findings: list[Finding]) -> None:
    line = data.line_of
    if "INHERIT" in data:
        _fail(
            findings,
            line("INHERIT"),
            "site.config-key",
            _(
                "INHERIT merges another file into the configuration; expected one mkdocs.yml,"
                " found INHERIT"
            ),
        )
    if "hooks" in data and not allow.hooks:
        _fail(
            findings,
            line("hooks"),
            "site.config-key",
            _(
                "hooks run Python code inside the build; expected none (an administrator may"
                " allow signed hooks in workflow/site-manifest.yml), found hooks"
            ),
        )
    if "extra_templates" in data and not allow.extra_templates:
        _fail(
            findings,
            line("extra_templates"),
            "site.config-key",
            _(
                "extra_templates are rendered as Jinja templates with the build's powers;"
                " expected none unless allowed in workflow/site-manifest.yml"
            ),
        )
    if data.get("use_directory_urls", True) is not True:
        _fail(
            findings,
            line("use_directory_urls"),
            "site.config-key",
            _("use_directory_urls must be true"),
        )
    if not _excludes_news(data.get("exclude_docs")):
        _fail(
            findings,
            line("exclude_docs"),
            "site.exclude",
            _(
                "mkdocs.yml must exclude the news folder (exclude_docs: /{news}) so that a build"
                " without the warta plugin publishes no news; the plugin re-admits the verified"
                " items"
            ).format(news=NEWS),
        )


def _plugins(data: YMap, allow: Allow, findings: list[Finding]) -> dict[str, Any]:
    """Check the plugins; the warta plugin's options."""
    warta: dict[str, Any] = {}
    for name, options, at in _entries(data.get("plugins", ["search"])):
        if name not in SAFE_PLUGINS and name not in allow.plugins:
            _fail(
                findings,
                at,
                "site.plugin",
                _("plugin {name!r} would run inside the build; expected one of {safe}").format(
                    name=name, safe=", ".join(sorted(SAFE_PLUGINS | allow.plugins))
                ),
            )
        if name == "warta" and isinstance(options, dict):
            warta = options  # (a YMap keeps each option's line)
            for option in sorted(UNTRUSTED_OPTIONS & set(options)):
                _fail(
                    findings,
                    options.line_of(option) if isinstance(options, YMap) else at,
                    "trust.pin-in-repository",
                    _(
                        "the warta plugin option {option!r} would let a repository file choose"
                        " which trust root counts; expected the pin from outside the repository"
                        " (--trust-root, WARTA_TRUST_ROOT or this user's pin file), found it in"
                        " mkdocs.yml"
                    ).format(option=option),
                )
    return warta


def _extensions(data: YMap, allow: Allow, findings: list[Finding]) -> list[tuple[str, Any]]:
    """The Markdown extensions bodies are rendered with (MkDocs' own ones included)."""
    extensions: list[tuple[str, Any]] = []
    for raw_name, options, at in _entries(data.get("markdown_extensions", [])):
        name = _extension_name(raw_name)
        if name not in SAFE_EXTENSIONS and name not in allow.markdown_extensions:
            _fail(
                findings,
                at,
                "site.extension",
                _(
                    "Markdown extension {name!r} is not in Warta's safe set (it could read"
                    " files or run code); expected one of the safe extensions, or an"
                    " administrator's allow in workflow/site-manifest.yml"
                ).format(name=raw_name),
            )
            continue
        problem = _option_problem(name, options)
        if problem is not None:
            _fail(
                findings,
                at,
                "site.extension",
                _("Markdown extension {name!r}: {problem}").format(name=raw_name, problem=problem),
            )
            continue
        if _reads_files(options):
            _fail(
                findings,
                at,
                "site.extension",
                _(
                    "Markdown extension {name!r}: custom_icons makes the build read icons from"
                    " folders, which no signature covers; expected no custom_icons"
                ).format(name=raw_name),
            )
            continue
        extensions.append((name, options))
    # as MkDocs orders them: its own first, then the configuration's, each once (the order
    # matters: superfences replaces fenced_code only when it comes after it)
    ordered: list[tuple[str, Any]] = []
    for name, options in [*((b, {}) for b in BUILTIN_EXTENSIONS), *extensions]:
        if name in {n for n, _options in ordered}:
            ordered = [(n, options if n == name and options else o) for n, o in ordered]
            continue
        ordered.append((name, options))
    return ordered


def builtin_extensions() -> tuple[tuple[str, Any], ...]:
    """MkDocs' own extensions without options: what item bodies are rendered with while the
    configuration is not the signed one."""
    return tuple((name, {}) for name in BUILTIN_EXTENSIONS)


#: The options a safe extension may be given where it would pass any other on: codehilite
#: hands unknown options to Pygments, whose image formatter opens ``font_name`` as a font
#: file, or runs ``fc-list`` (found by an independent attack); its formatter is HTML only,
#: with the HTML formatter's options that only shape the markup (no ``cssfile``, which
#: writes a file, nor ``tagsfile``, which reads one).
OPTIONS = {
    "codehilite": frozenset({
        "linenums", "guess_lang", "css_class", "pygments_style", "noclasses",
        "use_pygments", "lang_prefix", "pygments_formatter",
        "wrapcode", "linenostart", "linenostep", "hl_lines", "anchorlinenos", "lineanchors",
        "linespans", "filename",
    }),
}
FORMATTERS = {"codehilite": frozenset({"html"})}


def _option_problem(name: str, options: Any) -> str | None:
    """Why ``options`` of the extension ``name`` cannot be used, or None."""
    known = OPTIONS.get(name)
    if known is None or not isinstance(options, dict):
        return None
    unknown = sorted(str(key) for key in options if key not in known)
    if unknown:
        return _("unknown option {option!r}; expected only: {known}").format(
            option=unknown[0], known=", ".join(sorted(known)))
    formatter = options.get("pygments_formatter", "html")
    if formatter not in FORMATTERS.get(name, frozenset({"html"})):
        return _("pygments_formatter {found!r}; expected 'html'").format(found=formatter)
    return None


def _reads_files(options: Any) -> bool:
    """Whether an extension's options name folders to read files from (Material's emoji
    index reads the SVGs of ``custom_icons`` with a plain ``open``, following links, even
    outside the repository), at any depth."""
    if isinstance(options, dict):
        return "custom_icons" in options or any(_reads_files(v) for v in options.values())
    if isinstance(options, list):
        return any(_reads_files(v) for v in options)
    return False


def _folders(data: YMap, findings: list[Finding]) -> str:
    """docs_dir must be content/; site_dir (which the build empties) a plain folder."""
    docs = data.get("docs_dir", "docs")
    if docs != DOCS_DIR:
        _fail(
            findings,
            data.line_of("docs_dir"),
            "site.docs-dir",
            _(
                "docs_dir must be '{docs_dir}' (news are read from {docs_dir}/{news});"
                " found {found!r}"
            ).format(docs_dir=DOCS_DIR, news=NEWS, found=docs),
        )
    site_dir = data.get("site_dir", "site")
    if not _plain_dir(site_dir):
        _fail(
            findings,
            data.line_of("site_dir"),
            "site.site-dir",
            _(
                "site_dir must be a folder inside the repository, apart from content/,"
                " workflow/ and .git (the build empties it); found {found!r}"
            ).format(found=site_dir),
        )
        return "site"
    return str(site_dir)


def _theme(data: YMap, allow: Allow, findings: list[Finding]) -> str | None:
    """The theme is Material; a custom_dir only if allowed. Returns the custom_dir."""
    theme = data.get("theme", {})
    name = (
        theme if isinstance(theme, str) else theme.get("name") if isinstance(theme, dict) else None
    )
    if name != "material":
        _fail(
            findings,
            data.line_of("theme"),
            "site.theme",
            _("theme must be material; found {found!r}").format(found=name),
        )
    if isinstance(theme, YMap):
        _features(theme, findings)
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if custom is None:
        return None
    where = theme.line_of("custom_dir") if isinstance(theme, YMap) else data.line_of("theme")
    if not allow.custom_dir:
        _fail(
            findings,
            where,
            "site.custom-dir",
            _(
                "theme.custom_dir replaces the theme's templates (and so every page);"
                " expected none unless allowed in workflow/site-manifest.yml"
            ),
        )
        return None
    if not _plain_dir(custom):
        _fail(
            findings,
            where,
            "site.custom-dir",
            _("custom_dir must be a folder inside the repository; found {found!r}").format(
                found=custom
            ),
        )
        return None
    return str(custom)


#: Material's features whose script was read for what it does with a page's texts: none
#: turns a signed text into markup. Others are refused (``content.tooltips`` puts every
#: ``title`` and every shortened label into the page as HTML, so an escaped
#: ``<img onerror>`` in a signed title ran as script; found by an attack).
VETTED_FEATURES = frozenset({
    "content.code.copy",
    "header.autohide",
    "navigation.expand",
    "navigation.footer",
    "navigation.indexes",
    "navigation.sections",
    "navigation.tabs",
    "navigation.tabs.sticky",
    "navigation.top",
    "navigation.tracking",
    "search.highlight",
    "search.share",
    "search.suggest",
    "toc.follow",
})


def _features(theme: YMap, findings: list[Finding]) -> None:
    features = theme.get("features", [])
    where = theme.line_of("features")
    if not isinstance(features, list):
        _fail(findings, where, "site.feature", _(
            "theme.features must be a list of names; found {found!r}"
        ).format(found=features))
        return
    for index, name in enumerate(features):
        if not isinstance(name, str) or name not in VETTED_FEATURES:
            line = features.line_at(index) if isinstance(features, YList) else where
            _fail(findings, line, "site.feature", _(
                "theme.features: {name!r} is not one Warta has checked (its script could turn"
                " a signed text into markup on the page); expected only: {vetted}"
            ).format(name=name, vetted=", ".join(sorted(VETTED_FEATURES))))


def _plain_dir(value: object) -> bool:
    if not isinstance(value, str):
        return False
    value = value.rstrip("/")
    return plain_relative(value) and value.split("/")[0] not in RESERVED_DIRS


def _excludes_news(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        spec = pathspec.GitIgnoreSpec.from_lines(value.splitlines())
    except (ValueError, TypeError):
        return False
    return bool(spec.match_file(PROBE))


def resolve(name: str) -> Any:
    """The Python object ``module.attr`` (only ever called for an allowed name)."""
    module, _dot, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def plain(value: Any, names: frozenset[str]) -> Any:
    """``value`` as MkDocs takes it: plain dicts and lists, each ``!!python/name:`` among
    ``names`` (:attr:`SiteConfig.python_names`) resolved, any other left as its text and
    never imported: importing one ran code of the change under review in the gate (an
    unsigned mkdocs.yml naming ``cProfile.run`` as an emoji index; found by an independent
    attack), whatever findings the reading had recorded."""
    if isinstance(value, PythonName):
        return resolve(value.name) if value.name in names else f"!!python/name:{value.name}"
    if isinstance(value, dict):
        return {k: plain(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v, names) for v in value]
    return value
