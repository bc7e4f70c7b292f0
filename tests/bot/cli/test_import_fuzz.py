"""Hypothesis throws generated exports at `lede import`: whatever the file holds, the only
exception is Lede's one-line InputError, and what it imports the bot can schedule."""


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.cli.backup import import_settings
from bot.clock import time_of_day, zone
from bot.state.tables import Digest
from index.errors import InputError
from index.models import Source

value = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
    st.sampled_from(["08:00", "abc", "24:61", "Europe", "Europe/Kyiv", "UTC", "../../etc/passwd", "feed", "page",
                     "https://n.example/feed.xml", "javascript:alert(1)", "file:///etc/passwd", "-100", "private"]),
)
row = st.dictionaries(st.sampled_from(["kind", "url", "title", "enabled", "interval_seconds", "chat_id", "words",
                                       "thread_id", "time_of_day", "timezone", "topic", "created_by", "id", "type",
                                       "language", "active"]), value, max_size=8)
export = st.fixed_dictionaries(
    {"format": st.just("lede-export/1")},
    optional={name: st.one_of(st.lists(row, max_size=3), value) for name in ("sources", "follows", "digests", "chats")},
)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(document=export)
def test_fuzz_import_refuses_in_one_line_or_stores_rows_the_bot_can_use(kb, document) -> None:
    """One store for every example (the test's own: SQLite, or PostgreSQL in that run): what each
    import adds stays, and every row stored so far must still be one the bot can use."""
    try:
        import_settings(kb, document)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    with kb.sessions() as session:
        for digest in session.scalars(select(Digest)):
            assert time_of_day(digest.time_of_day) is not None and zone(digest.timezone) is not None
        assert all(s.url.split("://")[0] in ("http", "https", "file") for s in session.scalars(select(Source)))
