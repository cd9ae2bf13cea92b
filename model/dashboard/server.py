"""Serving the dashboard (the page, model/dashboard/app.py), and installing its page assets.

Core objects: ``run_viz`` (what ``govsim viz`` calls), ``install_assets`` and
``missing_assets`` (the scripts and style sheets the page loads), ``ASSETS``.

Solara serves the page's JavaScript and CSS under ``/_solara/cdn/<package>@<version>/``
from a cache folder (``solara.server.settings.assets.proxy_cache_dir``, by default
``<venv>/share/solara/cdn``; ``SOLARA_ASSETS_PROXY_CACHE_DIR`` moves it) and fetches
what is missing from a public CDN on first use. Behind a firewall that fetch fails and
the page stays blank, so ``govsim viz --install-assets`` fills the cache ahead of time
with ``npm pack`` from the npm registry (or the mirror in the user's npm config): the
CDN paths are the contents of those npm packages.

When solara is upgraded, re-derive ``ASSETS`` from the ``/_solara/cdn/`` URLs the page
requests: tests/test_dashboard.py fails and names any that are not served locally.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govsim.scenario import ScenarioError, load_scenario

__all__ = [
    "APP_MODULE",
    "ASSETS",
    "DashboardError",
    "asset_cache_dir",
    "install_assets",
    "missing_assets",
    "run_viz",
]

#: The Solara app ``govsim viz`` serves (a module, so it runs as part of the package).
APP_MODULE = "govsim.dashboard.app"


#: The npm packages the page of solara 1.64 with ipyvuetify 1.x loads (the Vuetify 2
#: app, the grid layout, RequireJS, Font Awesome). Each is served from the cache folder
#: of the same name, as the URL spells it: ``/_solara/cdn/requirejs@2.3.6/require.js``.
ASSETS: tuple[str, ...] = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
)

_VIZ_HINT = (
    "install the dashboard's dependencies with `scripts/setup.sh test` or "
    "`.venv/bin/pip install -e '.[viz]'`"
)


class DashboardError(Exception):
    """The dashboard cannot start or its assets cannot be installed; the message says why."""


# --------------------------------------------------------------------------- assets


def asset_cache_dir() -> Path:
    """The folder Solara serves ``/_solara/cdn/`` from (solara's own setting)."""
    try:
        from solara.server import settings  # noqa: PLC0415 (the viz extra is optional)
    except ImportError as error:
        raise DashboardError(f"solara is not installed ({error}); {_VIZ_HINT}.") from None
    return Path(settings.assets.proxy_cache_dir)


def _installed(cache: Path, asset: str) -> bool:
    return (cache / asset / "package.json").is_file()


def missing_assets(cache: Path | None = None) -> list[str]:
    """The assets not yet in the cache folder."""
    cache = asset_cache_dir() if cache is None else cache
    return [asset for asset in ASSETS if not _installed(cache, asset)]


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise DashboardError(
            "npm is not installed, and installing the dashboard's page assets needs it "
            "(it downloads them from the npm registry). Install Node.js with npm (Debian: "
            "`apt-get install npm`) and run `govsim viz --install-assets` again."
        )
    return npm


def _pack(npm: str, specs: list[str], into: Path) -> list[Path]:
    """``npm pack`` the packages into a folder; the tarballs, in the order of ``specs``."""
    command = [npm, "pack", "--json", "--pack-destination", str(into), *specs]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=600, check=False, cwd=into
        )
    except subprocess.TimeoutExpired:
        raise DashboardError(
            "npm pack did not finish in 10 minutes; is the npm registry reachable?"
        ) from None
    if done.returncode != 0:
        detail = " ".join(done.stderr.split())[-600:]
        raise DashboardError(
            f"npm pack {' '.join(specs)} failed (exit {done.returncode}): {detail}. Check "
            "that the npm registry (or the mirror in your npm config) is reachable."
        )
    packed = json.loads(done.stdout)
    return [into / item["filename"] for item in packed]


def _unpack(tarball: Path, target: Path) -> None:
    """Extract an npm tarball's ``package/`` folder to ``target``, atomically."""
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
    try:
        with tarfile.open(tarball) as archive:
            archive.extractall(staging, filter="data")
        if target.exists():  # an earlier, incomplete install
            shutil.rmtree(target)
        # Rename into place, so the folder is complete whenever it exists.
        os.replace(staging / "package", target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def install_assets(cache: Path | None = None, *, log: Callable[[str], Any] = print) -> list[str]:
    """Put every asset the page loads into Solara's cache folder; the ones installed.

    Idempotent: assets already present are left alone (no npm call when none is
    missing).

    Raises:
        DashboardError: solara or npm missing, the registry unreachable, or the cache
            folder not writable.
    """
    cache = asset_cache_dir() if cache is None else cache
    todo = missing_assets(cache)
    if not todo:
        log(f"govsim viz: page assets already installed in {cache}")
        return []
    npm = _npm()
    log(f"govsim viz: installing {len(todo)} page assets into {cache} (npm pack)")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="govsim-assets-") as tmp:
            tarballs = _pack(npm, todo, Path(tmp))
            for asset, tarball in zip(todo, tarballs, strict=True):
                target = cache / asset
                target.parent.mkdir(parents=True, exist_ok=True)
                _unpack(tarball, target)
                log(f"  {asset}")
    except OSError as error:
        raise DashboardError(f"cannot write the page assets to {cache}: {error}.") from None
    return todo


_install_assets = install_assets  # run_viz's argument of the same name hides it


# --------------------------------------------------------------------------- serving


def _check_port(host: str, port: int) -> None:
    if not 1 <= port <= 65535:
        raise DashboardError(f"--port {port} is not a TCP port: give a number from 1 to 65535.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise DashboardError(
            f"--host {host!r} is not an address of this machine ({error.strerror}): use "
            "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)."
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As the server will: connections of a stopped server waiting to close
        # (TIME_WAIT) do not block the port, a listening program does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise DashboardError(
                f"cannot listen on {host}:{port} ({error.strerror}): another program (maybe "
                "an earlier `govsim viz`) uses that port, or the host is not this "
                "machine's. Choose another with --port."
            ) from None


def _check_viz_installed() -> None:
    try:
        import mesa.visualization  # noqa: F401, PLC0415
        import solara  # noqa: F401, PLC0415
    except ImportError as error:
        raise DashboardError(f"the dashboard needs solara ({error}); {_VIZ_HINT}.") from None


def _quiet_solara() -> None:
    """Settings Solara reads from the environment when first imported: call before that."""
    # No usage reports to Solara's makers from analysts' machines, and no GUI backend.
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("MPLBACKEND", "Agg")


def _serve(scenario: Path | None, host: str, port: int, open_browser: bool) -> int:
    """Run Solara's server for model/dashboard/app.py in this process until Ctrl-C."""
    os.environ[_SCENARIO_ENV] = str(scenario) if scenario else ""
    from click.exceptions import Abort  # noqa: PLC0415 (solara's command line is click)
    from solara.__main__ import run  # noqa: PLC0415 (the viz extra is optional)

    # The page is served over plain http, not in an iframe: Solara's fallback to a
    # same-site cookie is right, and its warning about it would only alarm analysts.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    args = [APP_MODULE, "--host", host, "--port", str(port), "--production"]
    args += ["--no-check-version", "--open" if open_browser else "--no-open"]
    # Ctrl-C is how an analyst stops the server: the server shuts down cleanly, then
    # click turns the interrupt into Abort.
    with contextlib.suppress(KeyboardInterrupt, Abort):
        run.main(args=args, prog_name="govsim viz", standalone_mode=False)
    print("govsim viz: stopped.")
    return 0


_SCENARIO_ENV = "GOVSIM_VIZ_SCENARIO"  # levers.SCENARIO_ENV, without importing the model


def run_viz(
    scenario: str | None,
    host: str,
    port: int,
    open_browser: bool,
    install_assets: bool,
) -> int:
    """``govsim viz``: serve the dashboard for a scenario file (or the default scenario).

    Args:
        scenario: a scenario YAML file, or None for ``Scenario()``.
        host: address to listen on (127.0.0.1: this machine only).
        port: TCP port.
        open_browser: open the page in the default browser once the server is up.
        install_assets: only install the page's scripts and style sheets for offline
            use (``npm pack`` into Solara's cache folder), then exit.

    Returns:
        The exit code: 0 when served (until Ctrl-C) or installed; 2 for bad input (a
        scenario, host or port that cannot be used, missing dependencies), with a
        one-paragraph message on stderr.
    """
    _quiet_solara()
    try:
        if install_assets:
            _install_assets(log=lambda line: print(line, flush=True))
            if scenario:
                print("govsim viz: assets installed; run again without --install-assets to serve.")
            return 0
        path = Path(scenario).resolve() if scenario else None
        if scenario:
            load_scenario(scenario)  # a bad file fails here, not in the browser
        _check_viz_installed()
        _check_port(host, port)
        missing = missing_assets()
    except (ScenarioError, DashboardError) as error:
        print(f"govsim viz: {error}", file=sys.stderr)
        return 2
    if missing:
        print(
            f"govsim viz: {len(missing)} page assets are not installed locally "
            f"({', '.join(missing)}); the page fetches them from a public "
            "CDN and stays blank without internet. Run `govsim viz --install-assets` once.",
            file=sys.stderr,
        )
    where = f"http://{host}:{port}"
    print(f"govsim viz: serving {path or 'the default scenario'} at {where} (Ctrl-C stops)")
    return _serve(path, host, port, open_browser)
