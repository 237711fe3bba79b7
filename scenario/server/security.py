"""The rules that keep a served shell private: the token, same-origin checks, headers, safe file paths."""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

TOKEN_COOKIE = "scenario_token"
SESSION_COOKIE = "scenario_session"

PAGE_CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "media-src 'self'",
        "connect-src 'self'",
        "frame-src 'self' https://www.youtube.com https://www.youtube-nocookie.com https://player.vimeo.com",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
# What a proxied port gets: its own scripts run, but in an opaque origin that cannot call the API.
PROXY_CSP = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads"


def new_token() -> str:
    """A fresh random token for the served URL."""
    return secrets.token_urlsafe(24)


def new_session_id() -> str:
    """A fresh random learner session id."""
    return secrets.token_urlsafe(18)


_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def valid_session_id(sid: str | None) -> bool:
    """True for a session id this server could have made (it names folders: no dots, no slashes)."""
    return sid is not None and _SESSION_ID.fullmatch(sid) is not None


def token_matches(expected: str, given: str | None) -> bool:
    """Compare tokens in constant time; a missing token never matches."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def is_loopback(host: str) -> bool:
    """True when `host` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def same_origin(origin: str | None, host_header: str | None) -> bool:
    """True when the Origin header names the host (and port) the request was sent to."""
    if not origin or not host_header:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host_header.lower()


def inside(root: Path, relative: str) -> Path | None:
    """The real path of `relative` under `root`, or None when it (or a symlink on the way) leaves root."""
    base = Path(os.path.realpath(root))
    target = Path(os.path.realpath(base / relative))
    if target != base and base not in target.parents:
        return None
    return target
