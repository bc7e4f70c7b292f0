"""Fetch URLs that users give, safely.

Only http(s); every address a connection goes to is checked after DNS resolution, at connect time
(so neither a redirect nor a DNS answer can lead inside); bodies are streamed and capped after
decompression; timeouts bound connect, each read, and the whole fetch; redirects are followed by
hand, each hop checked, up to a limit. Proxy variables are ignored: they would route around the
check.

    FetchError            the fetch failed (timeout, HTTP error, too big, too many redirects)
    └── SourceRefused     the URL is not allowed (scheme, private address)
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from index.errors import FetchError, SourceRefused
from index.settings import Settings

USER_AGENT = "Lede/0.1 (news question answering bot; +https://github.com/lede-news/lede)"
Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one fetch; the defaults follow Miniflux and SimplePie."""

    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()  # exceptions to the private-address rule
    max_bytes: int = 15 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_redirects: int = 5


    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        """Return the policy the settings describe."""
        return cls(
            allow_private=settings.allow_private_networks,
            allowed_networks=tuple(settings.allowed_networks),
            max_bytes=settings.fetch_max_bytes,
            total_timeout=settings.fetch_timeout,
        )


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address that an IPv6 address carries (mapped, NAT64, 6to4, Teredo)."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    return None


def refusal(ip: IPAddress) -> str | None:
    """Return why `ip` is not a public address, or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address) and (inner := _embedded_ipv4(ip)):
        return refusal(inner)
    for test, kind in (
        (ip.is_unspecified, "an unspecified"),
        (ip.is_loopback, "a loopback"),
        (ip.is_link_local, "a link-local"),
        (ip.is_multicast, "a multicast"),
        (ip.is_private, "a private"),
        (ip.is_reserved, "a reserved"),
        (not ip.is_global, "a non-public"),
    ):
        if test:
            return f"{ip} is {kind} address"
    return None


class AddressGuard:
    """Resolves a host and returns only addresses the policy allows."""

    def __init__(self, policy: FetchPolicy, resolver: Resolver | None = None) -> None:
        self.policy = policy
        self.resolver = resolver or _system_resolver
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in policy.allowed_networks]

    async def addresses(self, host: str, port: int) -> list[str]:
        try:
            found = [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            try:
                found = [ipaddress.ip_address(a) for a in await self.resolver(host, port)]
            except OSError as exc:
                raise FetchError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
        if not found:
            raise FetchError(f"cannot resolve {host}: no addresses")
        if self.policy.allow_private:
            return [str(ip) for ip in found]
        reasons: list[str] = []
        usable: list[str] = []
        for ip in found:
            reason = None if any(ip in net for net in self.allowed) else refusal(ip)
            (reasons if reason else usable).append(reason or str(ip))
        if not usable:
            # An address given is explained; one a name resolved to is not told: whoever sends
            # links would learn what the network's names point at.
            raise SourceRefused(
                f"refused {host}: {reasons[0] if _is_address(host) else 'that address is not allowed'}. Lede does not fetch "
                "from private networks; a self-hoster can allow them with LEDE_ALLOW_PRIVATE_NETWORKS=true."
            )
        return usable


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


async def _system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the guard approved: the check happens at connect time."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.AsyncNetworkStream:
        last_error: Exception | None = None
        for address in await self.guard.addresses(host, port):
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise SourceRefused("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, guard: AddressGuard) -> None:
        super().__init__(trust_env=False)
        # httpx builds its connection pool without a way to pass a network backend; this pool is
        # the same one with ours, so TLS (SNI, certificates) still uses the URL's host name.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=20,
            keepalive_expiry=30.0,
            network_backend=_GuardedBackend(guard),
        )


def check_url(url: str) -> str:
    """Return `url` if its form is fetchable; raise SourceRefused saying why not."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"{parts.scheme}://" if parts.scheme else "a URL without a scheme"
        raise SourceRefused(f"refused {url!r}: only http:// and https:// URLs are fetched, not {shown}.")
    if not parts.hostname:
        raise SourceRefused(f"refused {url!r}: it has no host name.")
    try:
        httpx.URL(url.strip())  # what the client will parse: "0177.0.0.1", a tab in the host
    except httpx.InvalidURL as exc:
        raise SourceRefused(f"refused {url!r}: {str(exc).rstrip('.')}.") from exc
    return url.strip()


class Fetcher:
    """One HTTP client per process, with the safety rules above."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), *, resolver: Resolver | None = None) -> None:
        self.policy = policy
        self._host_locks: dict[str, asyncio.Lock] = {}
        self.client = httpx.AsyncClient(
            transport=_GuardedTransport(AddressGuard(policy, resolver)),
            timeout=httpx.Timeout(
                connect=policy.connect_timeout, read=policy.read_timeout, write=10.0, pool=10.0
            ),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Return the body at `url`, or a 304 `Fetched` when the validators still match."""
        # One fetch per host at a time: polite to publishers, and their rate limits spare us.
        host = (urlsplit(url).hostname or "").lower()
        lock = self._host_locks.setdefault(host, asyncio.Lock())
        try:
            async with lock, asyncio.timeout(self.policy.total_timeout):
                return await self._get(url, etag, last_modified)
        except TimeoutError as exc:
            raise FetchError(
                f"{url}: gave up after {self.policy.total_timeout:.0f} s (the server is too slow)."
            ) from exc

    async def _get(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = check_url(url)
        for _ in range(self.policy.max_redirects + 1):
            try:
                async with self.client.stream("GET", current, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = check_url(urljoin(current, response.headers["location"]))
                        continue
                    if response.status_code == 304:
                        return self._fetched(current, response, b"")
                    if response.status_code >= 400:
                        raise FetchError(f"{current}: the server answered HTTP {response.status_code}.")
                    return self._fetched(current, response, await self._read(current, response))
            except httpx.TimeoutException as exc:
                raise FetchError(f"{current}: timed out ({type(exc).__name__}).") from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"{current}: {exc}") from exc
        raise FetchError(f"{url}: more than {self.policy.max_redirects} redirects.")

    async def _read(self, url: str, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.policy.max_bytes:
            raise FetchError(f"{url}: the body ({int(declared):,} bytes) is over the {self.policy.max_bytes:,}-byte limit.")
        codings = [c.strip() for c in response.headers.get("content-encoding", "").split(",") if c.strip()]
        if len([c for c in codings if c.lower() != "identity"]) > 1:
            # httpx decodes each chunk through every layer at once: a 2.6 KB "gzip, gzip" body
            # became 2.5 GB before it could be counted. No real server stacks encodings.
            raise FetchError(f"{url}: stacked content encodings ({', '.join(codings)}) are not accepted.")
        body = bytearray()
        async for chunk in response.aiter_bytes():  # decompressed: a gzip bomb is counted as it grows
            body += chunk
            if len(body) > self.policy.max_bytes:
                raise FetchError(f"{url}: the body is over the {self.policy.max_bytes:,}-byte limit.")
        return bytes(body)

    @staticmethod
    def _fetched(url: str, response: httpx.Response, content: bytes) -> Fetched:
        return Fetched(
            url=url,
            status=response.status_code,
            content=content,
            content_type=response.headers.get("content-type", ""),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )
