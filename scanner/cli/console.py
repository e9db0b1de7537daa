"""``chujing console --store URL``: the web console over the scan store (see docs/console.md).

It binds to 127.0.0.1 unless people authenticate: a non-loopback ``--host``
needs ``--auth-file`` (HTTP Basic, behind a TLS proxy) or
``--trust-proxy-header`` (behind a reverse proxy that authenticates), or the
command stops with one ``error:`` line, exit status 2, before opening the store.
"""

from __future__ import annotations

import click

from scanner.cli.options import ledger_options
from scanner.cli.store import store_option
from scanner.console.app import STALE_DAYS, ConsoleConfig, create_app
from scanner.console.security import Authenticator, check_bind, is_loopback
from scanner.console.server import serve
from scanner.store import StoreError


@click.command("console")
@store_option()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but a loopback address needs --auth-file or --trust-proxy-header.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free)."
)
@click.option(
    "--auth-file",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Users who may sign in (HTTP Basic; serve behind TLS): one user:hash per line, hashes made by "
    "werkzeug.security.generate_password_hash.",
)
@click.option(
    "--trust-proxy-header",
    "proxy_header",
    default=None,
    metavar="HEADER",
    help="Behind a reverse proxy that authenticates: take the user from this request header "
    "(e.g. X-Forwarded-User). Only the proxy may reach the console then.",
)
@click.option(
    "--stale-days",
    type=click.IntRange(1, 3650),
    default=STALE_DAYS,
    show_default=True,
    help="Coverage: tables whose findings come from a scan older than this many days are listed.",
)
@ledger_options
def console_command(
    store_url: str,
    host: str,
    port: int,
    auth_file: str | None,
    proxy_header: str | None,
    stale_days: int,
    ledger_url: str | None,
    ledger_key_file: str | None,
) -> None:
    """Serve the web console over the scan store: overview, drill-down, findings, review queue, runs and
    diffs, this year's exports.

    Reviews made in the console are the records ``chujing review`` writes, with
    the signed-in user as reviewer (on 127.0.0.1 without authentication: the
    login name running the console).  Ctrl-C stops it.
    """
    check_bind(host, auth_file=auth_file, proxy_header=proxy_header)
    if not store_url:
        raise StoreError("no scan store: give --store URL or set $CHUJING_STORE")
    config = ConsoleConfig(
        store_url=store_url,
        auth=Authenticator.configure(auth_file, proxy_header),
        ledger_url=ledger_url,
        ledger_key_file=ledger_key_file,
        stale_days=stale_days,
        secure_cookies=not is_loopback(host),
    )
    app = create_app(config)
    serve(
        app,
        host,
        port,
        on_ready=lambda url: click.echo(f"chujing console on {url} (Ctrl-C stops it)", err=True),
    )
