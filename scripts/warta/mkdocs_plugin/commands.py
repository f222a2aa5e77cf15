"""``warta build`` and ``warta preview``: MkDocs builds driven in-process.

A build is exactly ``mkdocs build`` (the plugin in mkdocs.yml is the gate); ``warta build``
adds the trust-root pin, exit codes and an audit of the output for any trace of an
unpublished item. A preview turns on the plugin's preview mode,
which no mkdocs.yml option can do, and always builds outside the deployable site_dir.
"""

from __future__ import annotations

import gzip
import logging
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError
from mkdocs.livereload import LiveReloadServer

from warta.errors import ConfigError, UsageError, WartaError
from warta.mkdocs_plugin.plugin import WartaPlugin
from warta.site import audit

log = logging.getLogger("mkdocs.warta")


class BuildFailed(WartaError):
    """The site was not built (strict-mode findings, a plugin or theme error)."""

    exit_code = 1


@contextmanager
def _mkdocs_logging() -> Iterator[None]:
    """Print MkDocs' log (and so the gate's findings) as ``mkdocs build`` does."""
    logger = logging.getLogger("mkdocs")
    if logger.handlers:
        yield
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _load(config_file: Path, **options: Any) -> MkDocsConfig:
    if not config_file.is_file():
        raise UsageError(f"{config_file}: no such file (expected the site's mkdocs.yml)")
    try:
        return load_config(str(config_file), **options)
    except (ConfigurationError, Abort) as exc:
        raise ConfigError(f"{config_file}: {exc}") from exc


def _plugin(config: MkDocsConfig, config_file: Path) -> WartaPlugin:
    plugin = config.plugins.get("warta")
    if not isinstance(plugin, WartaPlugin):
        raise ConfigError(f"{config_file}: the 'warta' plugin is not enabled under plugins:")
    return plugin


def _run(config: MkDocsConfig) -> None:
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except Abort as exc:
        raise BuildFailed(f"the site was not built: {exc}") from exc
    finally:
        config.plugins.on_shutdown()


def build_site(
    config_file: Path, *, strict: bool = False, site_dir: Path | None = None, pin: str | None = None
) -> Path:
    """Build the deployable site, then audit it for traces of unpublished items."""
    with _mkdocs_logging():
        config = _load(config_file, strict=strict, site_dir=str(site_dir) if site_dir else None)
        plugin = _plugin(config, config_file)
        if pin:
            plugin.config.trust_root = pin
        _run(config)
    out = Path(config.site_dir)
    report = plugin.report
    if report is None:  # pragma: no cover - on_files always runs in a build
        raise BuildFailed("the gate did not run; the site must not be deployed")
    found = audit_site(out, audit.tokens(report.verdicts, plugin.withheld))
    if found:
        listed = "".join(f"\n  {leak.message()}" for leak in found[:20])
        raise BuildFailed(
            f"{out} holds traces of {len({f.token.path for f in found})} unpublished"
            f" item(s); do not deploy it:{listed}"
        )
    return out


def audit_site(site: Path, tokens: list[audit.Token]) -> list[audit.Leak]:
    """Every trace of ``tokens`` in the files under ``site`` (.gz files are unpacked)."""

    def outputs() -> Iterator[tuple[str, str]]:
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            yield path.relative_to(site).as_posix(), data.decode("utf-8", errors="replace")

    return audit.leaks(outputs(), tokens)


def _check_outside_site(config_file: Path, out_dir: Path) -> None:
    """A preview never goes where the deployable site goes, nor into the sources."""
    plain = _load(config_file)
    site = Path(plain.site_dir).resolve()
    docs = Path(plain.docs_dir).resolve()
    root = config_file.resolve().parent
    out = out_dir.resolve()
    if out == root or out.is_relative_to(site) or site.is_relative_to(out):
        raise UsageError(
            f"{out_dir}: a preview may not be built into the deployable site directory"
            f" ({site}) or the repository root; choose another directory"
        )
    if out.is_relative_to(docs):
        raise UsageError(f"{out_dir}: a preview may not be built inside docs_dir ({docs})")


def _preview_config(config_file: Path, out_dir: Path, pin: str | None) -> MkDocsConfig:
    config = _load(config_file, site_dir=str(out_dir))
    plugin = _plugin(config, config_file)
    plugin.preview = True
    if pin:
        plugin.config.trust_root = pin
    return config


def build_preview(config_file: Path, out_dir: Path, *, pin: str | None = None) -> Path:
    """Build the reviewers' preview (drafts included, each with the DRAF banner)."""
    _check_outside_site(config_file, out_dir)
    with _mkdocs_logging():
        _run(_preview_config(config_file, out_dir, pin))
    return out_dir


def serve_preview(
    config_file: Path, *, host: str = "127.0.0.1", port: int = 8000, pin: str | None = None
) -> None:
    """Serve the preview from a temporary directory, rebuilding when sources change."""
    out_dir = Path(tempfile.mkdtemp(prefix="warta-preview-"))
    url = f"http://{host}:{port}/"

    def builder(config: MkDocsConfig | None = None) -> None:
        config = config or _preview_config(config_file, out_dir, pin)
        config.site_url = url
        build(config)

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        _check_outside_site(config_file, out_dir)
        with _mkdocs_logging():
            config = _preview_config(config_file, out_dir, pin)
            config.plugins.on_startup(command="serve", dirty=False)
            server = LiveReloadServer(builder=builder, host=host, port=port, root=str(out_dir))
            try:
                builder(config)
                server.watch(config.docs_dir)
                if config.config_file_path:
                    server.watch(config.config_file_path)
                    server.watch(str(Path(config.config_file_path).parent / "workflow"))
                log.info(f"warta: pratinjau (dengan draf) di {url} — Ctrl+C untuk berhenti")
                server.serve()  # type: ignore[no-untyped-call]
            except KeyboardInterrupt:
                log.info("warta: pratinjau dihentikan")
            except Abort as exc:
                raise BuildFailed(f"the preview was not built: {exc}") from exc
            finally:
                server.shutdown()
                config.plugins.on_shutdown()
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(out_dir, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops a preview like Ctrl+C does, so its temporary directory is removed."""
    raise KeyboardInterrupt
