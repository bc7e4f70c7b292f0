from bot.state import subscriptions
from ingest.document import Document
from ingest.store import store_documents


def _story(url: str, title: str, text: str) -> Document:
    return Document(url=url, title=title, text=text + " More details followed later in the day, officials said.")


def test_followed_words_match_whole_words_not_parts_of_others(kb) -> None:
    store_documents(kb, [
        _story("https://n.example/said", "Ukraine talks resume", "The minister said talks with Ukraine resume."),
        _story("https://n.example/ai", "New AI rules", "Parliament passed rules for AI systems on Monday."),
    ], progress=False)
    assert [i.url for i in subscriptions.articles_after(kb, 0, "ai")] == ["https://n.example/ai"]
    assert [i.url for i in subscriptions.articles_after(kb, 0, "rule")] == ["https://n.example/ai"]  # plural -s aside
