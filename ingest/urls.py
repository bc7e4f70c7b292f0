"""Canonical URLs: one article reached through many links is stored once."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track the reader, not the article.
_TRACKING = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "_gl",
    "ref", "ref_src", "cmpid", "ito", "ncid", "ocid", "smid", "sr_share", "xtor", "at_medium",
    "at_campaign", "spm", "share", "mbid", "rss", "cid",
})


def canonical_url(url: str) -> str:
    """Return `url` without tracking parameters and fragment, with lower-case scheme and host,
    default ports dropped and the remaining query sorted."""
    parts = urlsplit(re.sub(r"[\t\n\r]", "", url.strip()))
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url.strip()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets, or its port cannot be told apart
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(("utm_", "pk_", "mtm_")) and key.lower() not in _TRACKING
    ]
    path = parts.path or "/"
    return encoded(urlunsplit((scheme, netloc, path, urlencode(sorted(query)), "")))


def encoded(url: str) -> str:
    """Return `url` with control characters and spaces percent-encoded, as a browser does: a NUL
    in a feed's link would otherwise reach the database (PostgreSQL refuses it) and Telegram."""
    return _UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", url)


_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
