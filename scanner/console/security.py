"""Who may use the console and how requests are kept honest: binding, authentication, CSRF, headers.

The store maps where personal information lives — exactly what an attacker
would want — so the console is locked down by default:

* it binds to a loopback address; any other ``--host`` is refused unless people
  authenticate, with an ``--auth-file`` of password hashes (HTTP Basic, to be
  served behind a TLS proxy) or a reverse proxy that names the user in a header
  (``--trust-proxy-header X-Forwarded-User``);
* nothing changes on GET; every POST carries a token bound to the session
  (compared in constant time), comes from the console's own origin (``Origin``,
  else ``Referer``), and the session cookie is ``SameSite=Strict``;
* every response forbids inline script and style and any remote asset
  (:data:`CSP`), framing and content sniffing.
"""

from __future__ import annotations

import functools
import getpass
import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.security import check_password_hash, generate_password_hash

from connectors.errors import ChujingError

#: The Content-Security-Policy of every response: the console's own stylesheet and nothing else; no script at all.
CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@functools.cache
def _dummy_hash() -> str:
    """Compared against when a user name is unknown, so that a wrong name costs as long as a wrong password.

    Made when the console starts with an auth file, not at import: hashing is deliberately slow (80 ms), and
    every chujing command imports this module.
    """
    return generate_password_hash(secrets.token_hex(16))


class ConsoleError(ChujingError):
    """The console cannot start as asked; the message says what to do."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``), reachable from this machine only.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, True, False)
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve to anything: treat it as reachable from outside


def check_bind(host: str, *, auth_file: str | None, proxy_header: str | None) -> None:
    """Refuse to serve beyond this machine without authentication, and refuse two authentication schemes."""
    if auth_file and proxy_header:
        raise ConsoleError(
            "give either --auth-file FILE or --trust-proxy-header HEADER, not both: one place must say who "
            "the user is"
        )
    if not is_loopback(host) and not (auth_file or proxy_header):
        raise ConsoleError(
            f"refusing to serve the console on {host}: without authentication it binds to 127.0.0.1 only — "
            "give --auth-file FILE (HTTP Basic, behind a TLS proxy) or --trust-proxy-header X-Forwarded-User "
            "(behind a reverse proxy that authenticates)"
        )


def load_users(path: str) -> dict[str, str]:
    """``user:hash`` lines (werkzeug.security password hashes; ``#`` comments) from an auth file."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConsoleError(
            f"{path}: cannot read the auth file ({getattr(exc, 'strerror', None) or exc})"
        ) from None
    users: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, hashed = line.partition(":")
        if not sep or not name.strip() or "$" not in hashed:
            raise ConsoleError(
                f"{path}:{n}: expected user:hash with a werkzeug.security password hash — make one with "
                "python -c 'from werkzeug.security import generate_password_hash as g; print(g(input()))'"
            )
        users[name.strip()] = hashed.strip()
    if not users:
        raise ConsoleError(f"{path}: no users in the auth file — add user:hash lines")
    return users


@dataclass(frozen=True)
class Authenticator:
    """Says who the user of a request is, or ``None`` when the request must be refused."""

    users: Mapping[str, str] | None = None  # --auth-file
    proxy_header: str | None = None  # --trust-proxy-header
    local_user: str = ""  # loopback without authentication: the login name running the console

    @classmethod
    def configure(cls, auth_file: str | None, proxy_header: str | None) -> Authenticator:
        if auth_file:
            _dummy_hash()  # before the first request: an unknown name's first try is no slower than later ones
            return cls(users=load_users(auth_file))
        if proxy_header:
            return cls(proxy_header=proxy_header)
        return cls(local_user=getpass.getuser())

    @property
    def basic(self) -> bool:
        return self.users is not None

    def user(self, headers: Mapping[str, str], authorization: object | None) -> str | None:
        """The authenticated user (``authorization``: werkzeug's parsed ``Authorization`` header)."""
        if self.users is not None:
            name = getattr(authorization, "username", None)
            password = getattr(authorization, "password", None)
            if getattr(authorization, "type", None) != "basic" or not name or password is None:
                return None
            ok = check_password_hash(self.users[name] if name in self.users else _dummy_hash(), password)
            return name if ok and name in self.users else None
        if self.proxy_header:
            name = (headers.get(self.proxy_header) or "").strip()
            return name or None
        return self.local_user


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_ok(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of the session's CSRF token with the form's."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def same_origin(headers: Mapping[str, str], host: str) -> bool:
    """Whether a POST comes from a page of this console: its ``Origin`` (else ``Referer``) names our host.

    >>> same_origin({"Origin": "http://127.0.0.1:8765"}, "127.0.0.1:8765")
    True
    >>> same_origin({"Origin": "https://evil.example"}, "127.0.0.1:8765"), same_origin({}, "127.0.0.1:8765")
    (False, False)
    """
    origin = headers.get("Origin") or headers.get("Referer") or ""
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == host.lower()
