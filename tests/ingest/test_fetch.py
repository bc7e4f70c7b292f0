"""Safe fetching against a real loopback server: what is refused is never requested."""

import ipaddress
import time

import pytest

from index.errors import FetchError, SourceRefused
from ingest.fetch import USER_AGENT, Fetcher, FetchPolicy, refusal
from tests.conftest import FIXTURES
from tests.fakes.webserver import WebServer

OPEN = FetchPolicy(allow_private=True)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "::1", "169.254.169.254", "10.1.2.3", "172.16.0.1", "192.168.1.1",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "fe80::1", "fc00::1",
        "::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::",
    ],
)
def test_non_public_addresses_are_refused(address) -> None:
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::6810:85e5", "8.8.8.8"])
def test_public_addresses_pass(address) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "url, words",
    [
        ("file:///etc/passwd", "not file://"),
        ("gopher://example.com/", "not gopher://"),
        ("ftp://example.com/feed.xml", "not ftp://"),
        ("example.com/feed.xml", "without a scheme"),
    ],
)
async def test_other_schemes_are_refused_with_the_reason(url, words) -> None:
    async with Fetcher() as fetcher:
        with pytest.raises(SourceRefused, match=words):
            await fetcher.get(url)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "[::1]"])
async def test_loopback_is_refused_before_any_request(web, host) -> None:
    web.route("/feed.xml", "<rss/>")
    async with Fetcher() as fetcher:
        with pytest.raises(SourceRefused, match="LEDE_ALLOW_PRIVATE_NETWORKS"):
            await fetcher.get(f"http://{host}:{web.port}/feed.xml")
    assert web.requests == []


async def test_dns_answer_pointing_inside_is_refused(web) -> None:
    web.route("/feed.xml", "<rss/>")

    async def resolver(host, port):
        return ["127.0.0.1"]  # what a hostile DNS server answers for a public-looking name

    async with Fetcher(resolver=resolver) as fetcher:
        with pytest.raises(SourceRefused, match=r"refused news\.example\.com: that address is not allowed") as refused:
            await fetcher.get(f"http://news.example.com:{web.port}/feed.xml")
    assert "127.0.0.1" not in str(refused.value)  # what the name resolves to is not told
    assert web.requests == []


async def test_public_site_redirecting_inside_is_refused_at_the_hop(web) -> None:
    # 127.0.0.2 plays a public server (allowed by policy); it redirects to 127.0.0.1.
    public = WebServer("127.0.0.2")
    try:
        target = web.route("/secret", "internal data")
        public.route("/feed.xml", b"", status=302, headers={"Location": target})

        async def resolver(host, port):
            return ["127.0.0.2"]

        policy = FetchPolicy(allowed_networks=("127.0.0.2/32",))
        async with Fetcher(policy, resolver=resolver) as fetcher:
            with pytest.raises(SourceRefused, match=r"127\.0\.0\.1 is a loopback address"):
                await fetcher.get(f"http://news.example.com:{public.port}/feed.xml")
        assert public.hits("/feed.xml") == 1
        assert web.requests == []
    finally:
        public.close()


async def test_private_networks_can_be_allowed_and_user_agent_is_sent(web) -> None:
    url = web.route("/feed.xml", "<rss version='2.0'/>", content_type="application/rss+xml")
    async with Fetcher(OPEN) as fetcher:
        fetched = await fetcher.get(url)
    assert fetched.status == 200 and fetched.content == b"<rss version='2.0'/>"
    assert web.requests[0][1]["User-Agent"] == USER_AGENT


async def test_conditional_get_returns_not_modified(web) -> None:
    url = web.route("/feed.xml", "<rss/>", etag='"v1"')
    async with Fetcher(OPEN) as fetcher:
        first = await fetcher.get(url)
        second = await fetcher.get(url, etag=first.etag)
    assert first.etag == '"v1"' and second.not_modified and second.content == b""


async def test_http_errors_name_the_status(web) -> None:
    async with Fetcher(OPEN) as fetcher:
        with pytest.raises(FetchError, match="HTTP 404"):
            await fetcher.get(web.url("/missing"))


async def test_slow_server_ends_at_the_total_timeout(web) -> None:
    policy = FetchPolicy(allow_private=True, total_timeout=2.0, read_timeout=5.0)
    started = time.monotonic()
    async with Fetcher(policy) as fetcher:
        with pytest.raises(FetchError, match="too slow"):
            await fetcher.get(web.url("/slow"))
    assert time.monotonic() - started < 10  # the trickle would last 600 s


@pytest.mark.parametrize("path", ["/huge", "/huge-declared", "/gzip-bomb"])
async def test_bodies_over_the_cap_are_refused(web, path) -> None:
    policy = FetchPolicy(allow_private=True, max_bytes=5 * 1024 * 1024)
    async with Fetcher(policy) as fetcher:
        with pytest.raises(FetchError, match="limit"):
            await fetcher.get(web.url(path))


async def test_endless_redirects_stop_at_the_limit(web) -> None:
    async with Fetcher(OPEN) as fetcher:
        with pytest.raises(FetchError, match="more than 5 redirects"):
            await fetcher.get(web.url("/loop"))
    assert web.hits("/loop") == 6


async def test_stacked_encodings_are_refused_before_they_are_decoded(web) -> None:
    # 1.8 KB that two gzip layers would turn into a gigabyte in one decoding step.
    body = (FIXTURES / "bombs" / "zeros-1gib.gz.gz").read_bytes()
    url = web.route("/double-gzip", body, content_type="application/rss+xml", headers={"Content-Encoding": "gzip, gzip"})
    async with Fetcher(OPEN) as fetcher:
        with pytest.raises(FetchError, match=r"stacked content encodings \(gzip, gzip\)"):
            await fetcher.get(url)


@pytest.mark.parametrize("url", ["http://0177.0.0.1/", "http://127.000.000.001/feed", "http://exa\tmple.com/"])
async def test_malformed_hosts_are_refused_with_one_line(url) -> None:
    async with Fetcher(OPEN) as fetcher:
        with pytest.raises(SourceRefused, match="refused"):
            await fetcher.get(url)
