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


def test_text_without_sentence_ends_is_split_into_bounded_passages_and_nothing_is_lost() -> None:
    from ingest.split import MAX_CHARS, MAX_WORDS

    body = "alpha bravo charlie delta " * 4000
    passages = split_passages(paragraphs_of("T\n\n" + body))
    assert all(len(p) <= MAX_CHARS and len(p.split()) <= MAX_WORDS for p in passages)
    assert " ".join(" ".join(passages).split()) == " ".join(("T " + body).split())


def test_one_endless_word_is_cut_into_passages_not_dropped() -> None:
    from ingest.split import MAX_CHARS

    passages = split_passages(paragraphs_of("x" * (5 * MAX_CHARS + 7)))
    assert "".join(passages) == "x" * (5 * MAX_CHARS + 7) and max(map(len, passages)) == MAX_CHARS
