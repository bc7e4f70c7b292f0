"""`lede sources` and `lede ingest --once` as an admin uses them, against a loopback server."""

import pytest

from bot.cli import main
from tests.conftest import FIXTURES
from tests.fakes.webserver import WebServer


@pytest.fixture
def wire(web) -> str:
    for name in ("night-market", "ferry"):
        web.route(f"/articles/{name}", (FIXTURES / "articles" / f"{name}.html").read_bytes())
    return web.route("/feed.xml", (FIXTURES / "feed.xml").read_bytes(), content_type="application/rss+xml")


@pytest.fixture
def data_dir(tmp_path, monkeypatch, embedder):
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    # The hashing embedder keeps these tests about sources, not the model.
    monkeypatch.setattr("bot.cli.ingest.open_knowledge_base", lambda settings: _kb(settings, embedder))
    return tmp_path / "data"


def _kb(settings, embedder):
    from index.knowledge import KnowledgeBase

    return KnowledgeBase.connect(settings, embedder=embedder)


def test_loopback_feed_is_refused_and_nothing_fetched(data_dir, wire, web, capsys) -> None:
    assert main(["sources", "add", wire]) == 2
    err = capsys.readouterr().err
    assert "127.0.0.1 is a loopback address" in err and "LEDE_ALLOW_PRIVATE_NETWORKS=true" in err
    assert web.requests == []
    assert main(["sources", "list"]) == 0
    assert "No sources yet" in capsys.readouterr().out


def test_file_url_is_refused(data_dir, capsys) -> None:
    assert main(["sources", "add", "file:///etc/passwd"]) == 2
    assert "only http:// and https:// URLs" in capsys.readouterr().err


def test_public_url_redirecting_to_loopback_is_refused(data_dir, wire, web, monkeypatch, capsys) -> None:
    public = WebServer("127.0.0.2")  # plays a public host: the policy lets 127.0.0.2 through
    try:
        public.route("/news", b"", status=301, headers={"Location": wire})
        monkeypatch.setenv("LEDE_ALLOWED_NETWORKS", "127.0.0.2/32")
        assert main(["sources", "add", public.url("/news")]) == 2
        assert "127.0.0.1 is a loopback address" in capsys.readouterr().err
        assert public.hits("/news") == 1 and web.requests == []
    finally:
        public.close()


def test_allowed_private_networks_ingest_the_feed(data_dir, wire, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_ALLOW_PRIVATE_NETWORKS", "true")
    assert main(["sources", "add", wire, "--interval", "30m"]) == 0
    out = capsys.readouterr().out
    assert "Added source #1 (feed): Lede Test Wire" in out and "2 new" in out
    assert main(["sources", "list"]) == 0
    listing = capsys.readouterr().out
    assert "ok" in listing and wire in listing
    assert main(["ingest", "--once"]) == 0
    assert "0 new" in capsys.readouterr().out
    assert main(["sources", "export"]) == 0
    assert f'xmlUrl="{wire}"' in capsys.readouterr().out
    assert main(["sources", "remove", "1"]) == 0
    assert "and its 2 articles" in capsys.readouterr().out


def test_failing_source_is_listed_with_its_error(data_dir, web, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_ALLOW_PRIVATE_NETWORKS", "true")
    opml = data_dir.parent / "subs.opml"
    opml.write_text(f'<opml version="2.0"><body><outline xmlUrl="{web.url("/gone.xml")}"/></body></opml>')
    assert main(["sources", "import", str(opml)]) == 0
    assert main(["ingest", "--once"]) == 1
    assert "HTTP 404" in capsys.readouterr().out
    assert main(["sources", "list"]) == 0
    listing = capsys.readouterr().out
    assert "failing ×1" in listing and "error:" in listing and "HTTP 404" in listing


def test_removing_an_unknown_source_says_how_to_find_ids(data_dir, capsys) -> None:
    assert main(["sources", "remove", "42"]) == 2
    assert "no source #42" in capsys.readouterr().err


def test_bad_interval_is_explained(data_dir, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["sources", "add", "https://example.com/feed", "--interval", "soon"])
    assert "use e.g. 90, 30m, 2h, 1d" in capsys.readouterr().err


def test_sources_disable_and_enable_from_the_terminal(tmp_path, capsys, monkeypatch) -> None:
    from datetime import UTC, datetime

    from bot.cli import main
    from bot.settings import Settings
    from index.knowledge import KnowledgeBase
    from index.models import Source

    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    kb = KnowledgeBase.connect(Settings())
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url="https://n.example/feed.xml", title="News", created_at=datetime.now(UTC)))
    assert main(["sources", "disable", "1"]) == 0
    assert capsys.readouterr().out.strip() == "#1 News: disabled"
    assert main(["sources", "enable", "1"]) == 0
    with kb.sessions() as session:
        assert session.get(Source, 1).enabled is True
    assert main(["sources", "disable", "9"]) == 2
    assert "there is no source #9" in capsys.readouterr().err


@pytest.mark.parametrize(("body", "content_type", "found"), [
    (b"Just some notes, no article here.\n", "text/plain", "a text/plain file"),
    (b'{"items": [1, 2, 3]}', "application/json", "a application/json file"),
    (bytes(range(256)) * 8, "application/octet-stream", "a application/octet-stream file"),
    (b"<html><body><nav><a href='/a'>A</a> <a href='/b'>B</a></nav></body></html>", "text/html",
     "a web page with no article text"),
])
def test_a_url_that_is_no_feed_site_or_article_is_not_added(data_dir, web, monkeypatch, capsys, body, content_type,
                                                            found) -> None:
    monkeypatch.setenv("LEDE_ALLOW_PRIVATE_NETWORKS", "true")
    url = web.route("/thing", body, content_type=content_type)
    assert main(["sources", "add", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"found {found}" in err and "nothing added" in err
    assert main(["sources", "list"]) == 0
    assert "No sources" in capsys.readouterr().out
