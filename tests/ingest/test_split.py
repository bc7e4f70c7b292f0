from ingest.split import MAX_WORDS, paragraphs_of, split_passages


def test_paragraphs_of_joins_wrapped_lines_and_splits_bullets() -> None:
    text = "First line\nwraps here.\n\n  • One point.\n  • Another point.\n\nLast."
    assert paragraphs_of(text) == ["First line wraps here.", "One point.", "Another point.", "Last."]


def test_split_passages_packs_short_paragraphs_together() -> None:
    paragraphs = [f"Sentence number {i} is here." for i in range(6)]
    assert split_passages(paragraphs) == ["\n".join(paragraphs)]


def test_split_passages_cuts_long_text_at_sentence_ends() -> None:
    sentence = "The council met today and voted on the new tram line for the city."
    paragraph = " ".join([sentence] * 40)  # 560 words
    passages = split_passages([paragraph])
    assert len(passages) > 3
    for passage in passages:
        assert len(passage.split()) <= MAX_WORDS
        assert passage.endswith("city.")


def test_split_passages_keeps_heading_with_following_text() -> None:
    body = " ".join(["Words in a long paragraph."] * 20)
    passages = split_passages([body, "A Heading Without a Full Stop", body])
    assert passages[1].startswith("A Heading Without a Full Stop\n")


def test_split_passages_of_nothing_is_nothing() -> None:
    assert split_passages([]) == []
