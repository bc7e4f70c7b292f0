from index.text import content_hash, keywords, split_sentences


def test_split_sentences_keeps_abbreviations_and_initials_inside() -> None:
    text = "Mr. Smith met J. K. Rowling in Washington D.C. on Tuesday. The U.S. economy grew 2.5%. Done"
    assert split_sentences(text) == [
        "Mr. Smith met J. K. Rowling in Washington D.C. on Tuesday.",
        "The U.S. economy grew 2.5%.",
        "Done",
    ]


def test_split_sentences_continues_after_quoted_question() -> None:
    assert split_sentences("“Is it true?” she asked. Yes.") == ["“Is it true?” she asked.", "Yes."]


def test_split_sentences_are_verbatim_substrings() -> None:
    text = "Prices rose 3% in May!  Analysts were surprised… Others were not."
    for sentence in split_sentences(text):
        assert sentence in text


def test_keywords_drop_stop_words_and_repeats() -> None:
    assert keywords("Who leads the coalition, the coalition?") == ["leads", "coalition"]


def test_content_hash_ignores_case_and_spacing_but_not_words() -> None:
    assert content_hash("Britain and  France") == content_hash("britain and france")
    assert content_hash("Britain and France") != content_hash("Britain or France")


def test_holds_words_finds_a_phrase_as_whole_words_only() -> None:
    from index.text import holds_words

    assert holds_words("Britain and France are expected to lead.", "britain AND france")
    assert not holds_words("The Irani delegation left.", "Iran")
    assert not holds_words("Anything at all.", "—")  # no words: nothing is held
