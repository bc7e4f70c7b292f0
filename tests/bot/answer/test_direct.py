import pytest

from bot.answer.direct import direct_answer, word_casing
from bot.answer.question import question_kind, read_question


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Who leads the coalition?", "person"),
        ("How many people came?", "number"),
        ("When was the declaration signed?", "date"),
        ("In which year did it open?", "date"),
        ("Which continent will require a common charger?", "name"),
        ("Why did Russia object?", "description"),
        ("What is the coalition of the willing?", "description"),
        ("What does Moscow say about it?", "description"),  # a statement answers it, not a name
        ("What happened in Keld?", "description"),
        ("What did the company say it would build?", "description"),
        ("What does the farm cost?", "name"),
    ],
)
def test_question_kind(question, kind) -> None:
    assert question_kind(question) == kind


def test_sentence_opening_word_is_not_taken_for_a_name() -> None:
    sentences = ["Troops from Britain and France are expected to lead the coalition."]
    assert direct_answer("Who leads the coalition?", sentences, common_words={"troops"}) == "Britain and France"


def test_role_titles_are_trimmed_from_names() -> None:
    sentences = ["The deal was signed by French President Emmanuel Macron in Paris."]
    assert direct_answer("Who signed the deal?", sentences, common_words=set()) == "Emmanuel Macron"


def test_numbers_and_dates_answer_their_questions() -> None:
    sentences = ["More than 85,000 people visited the festival, which began in 1994."]
    assert direct_answer("How many people visited the festival?", sentences, common_words=set()) == "85,000"
    assert direct_answer("When did the festival begin?", sentences, common_words=set()) == "1994"


def test_a_number_in_the_unit_asked_for_wins_and_keeps_its_unit() -> None:
    sentences = ["The line will run for 14 kilometres.", "The project will cost 620 million euros."]
    assert direct_answer("How much will the line cost?", sentences, common_words=set()) == "620 million euros"
    sentences = ["The project will cost 620 million euros and the line will run for 14 kilometres."]
    assert direct_answer("How long is the route?", sentences, common_words=set()) == "14 kilometres"
    sentences = ["Ada Marlow, 16, won the title after a 3-hour final."]
    assert direct_answer("How old is Ada Marlow?", sentences, common_words=set()) == "16"


def test_a_count_is_read_next_to_what_is_counted() -> None:
    for sentence in ("The line's 9 trams will run between eleven new stations.", "Eleven new stations will see the line's 9 trams."):
        assert direct_answer("How many stations will the line have?", [sentence], common_words=set()).lower() == "eleven"


def test_agreement_across_sentences_beats_a_single_mention() -> None:
    sentences = [
        "Officials in Geneva said Britain and France would lead.",
        "Britain and France are expected to lead the coalition.",
        "Zakharova named Britain and France as its leaders.",
    ]
    assert direct_answer("Who leads the coalition?", sentences, common_words=set()) == "Britain and France"


def test_no_answer_when_nothing_fits_the_question() -> None:
    assert direct_answer("How many people came?", ["Nobody counted them."], common_words=set()) is None
    assert direct_answer("Why did it fail?", ["It failed in May."], common_words=set()) is None


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Сколько очков уступила защита?", "number"),
        ("Когда была подписана декларация?", "date"),
        ("Хто очолює коаліцію?", "person"),
        ("Почему Россия возражает?", "description"),
    ],
)
def test_question_kind_in_russian_and_ukrainian(question, kind) -> None:
    assert question_kind(question) == kind


@pytest.mark.parametrize(
    "question, words",
    [
        ("Кто возглавляет коалицию?", ("возглавляет", "коалицию")),
        ("Хто очолює коаліцію?", ("очолює", "коаліцію")),
        ("Сколько будет стоить трамвайная линия?", ("стоить", "трамвайная", "линия")),
    ],
)
def test_a_russian_or_ukrainian_questions_own_words_are_not_its_subject(question, words) -> None:
    # "кто" counted as a word the sources must share, and was "translated" as the nearest
    # English word ("хто" -> "bring"), so a sentence about bringing countries together won.
    assert read_question(question).words == words


def test_a_dateline_is_not_an_answer() -> None:
    sentences = ["(CNN) Apple customers could soon get a look at the next generation of iPhones."]
    question = "Apple will unveil a new generation of which product?"
    assert direct_answer(question, sentences, common_words={"customers"}) == "iPhones"
    filed = ["LONDON — Officials said the new bridge will be built by Harbourton Steel."]
    assert direct_answer("Which company will build the bridge?", filed, common_words={"officials"}) == "Harbourton Steel"
    # Not a dateline: no dash or new sentence follows the parenthesis.
    ticker = ["Shares of Harbourton Mobile (HBM) rose after the phone launch."]
    assert direct_answer("Whose shares rose after the phone launch?", ticker, common_words={"shares"}) == "Harbourton Mobile"


def test_a_name_made_of_the_questions_words_is_not_an_answer() -> None:
    emmys = ['The nominees for the 2022 Primetime Emmy Awards were announced, and HBO’s "Succession" led the way.']
    question = "Which show received the most nominations for the 2022 Emmy Awards?"
    assert direct_answer(question, emmys, common_words={"nominees"}) == "Succession"
    launch = ["NASA launched a rocket from Australia’s remote Northern Territory, its first launch outside the United States."]
    question = "NASA made its first launch outside the US. Where did the launch occur?"
    assert direct_answer(question, launch, common_words=set()) in {"Australia", "Northern Territory"}


def test_how_soon_is_answered_with_a_time() -> None:
    sentences = ["Vaccines could be available for children as young as 6 months as early as next week."]
    assert direct_answer("How soon could vaccines be available for children?", sentences, common_words=set()) == "next week"


def test_the_kind_of_thing_asked_for_may_be_part_of_the_answer() -> None:
    united = ["United Airlines is halting service at New York’s JFK Airport, a note shared with CNN Business said."]
    assert direct_answer("Which airline is halting service at JFK?", united, common_words=set()) == "United Airlines"
    storm = ["Hurricane Fiona left a million people without power, WNBA officials said."]
    assert direct_answer("Which hurricane cut power?", storm, common_words=set()) == "Hurricane Fiona"


def test_an_opening_conjunction_is_not_part_of_a_name() -> None:
    sentences = ["But the Food and Drug Administration changed its rule in August."]
    assert direct_answer("Which agency changed the rule?", sentences, common_words=set()) == "Food and Drug Administration"


def test_which_amount_asks_for_a_number() -> None:
    sentences = ["The council could raise the minimum wage for fast food workers to $22 an hour."]
    assert direct_answer("The law could raise the wage to which hourly amount?", sentences, common_words=set()) == "$22"


def test_the_storys_subject_in_every_sentence_does_not_outvote_the_best_sentences_answer() -> None:
    sentences = [
        "Britain and France are expected to lead the coalition.",
        "The coalition of the willing brings together dozens of countries that give Ukraine military aid.",
        'Russia said troops sent to Ukraine by a "coalition of the willing" would be treated as targets.',
    ]
    titles = ["Moscow Warns Against a 'Coalition of the Willing' in Ukraine"]
    answer = direct_answer("Who leads the coalition?", sentences, common_words=set(), titles=titles)
    assert answer == "Britain and France"


def _similarity(model):
    return lambda spans, phrase: model.embed_passages(spans) @ model.embed_query(phrase)


def test_a_plain_word_of_the_kind_sought_is_an_answer(model) -> None:
    sentences = [
        "France’s most famous condiment is running out, and there is no sign of its return to the shelves.",
        "But the real reason for France’s mustard shortage stretches far beyond the country’s borders.",
    ]
    question = "Supermarkets in France are struggling to stock which condiment?"
    assert direct_answer(question, sentences, common_words={"shelves"}, similarity=_similarity(model)) == "mustard"


def test_verbs_next_to_the_questions_words_are_not_answers(model) -> None:
    sentences = ["Ford Motor Co. announced a major recall of 2.9 million vehicles on Wednesday."]
    question = "Which automaker recalled 2.9 million vehicles this week?"
    assert direct_answer(question, sentences, common_words={"major"}, similarity=_similarity(model)) == "Ford Motor Co"
    # "announced" is as close to "show" as "Succession" is, and nearer the question's words.
    sentences = ["The nominations announced on Tuesday put Succession in the lead with 25."]
    question = "Which show received the most nominations?"
    assert direct_answer(question, sentences, common_words=set(), similarity=_similarity(model)) == "Succession"


def test_names_are_weighed_by_how_well_they_fit_the_kind_sought(model) -> None:
    sentences = [
        "JetBlue Airways on Thursday announced it would purchase Spirit Airlines, a combination "
        "that would create America’s fifth-largest airline."
    ]
    question = "Which airline announced a deal this week to buy Spirit Airlines?"
    assert direct_answer(question, sentences, common_words=set(), similarity=_similarity(model)) == "JetBlue Airways"


@pytest.mark.parametrize(
    "question, sentence, answer",
    [
        # "new" opens what is sought without being it
        ("Which new vehicle did Tesla show at its event?",
         "At the event in Austin, Elon Musk showed the Cybertruck to investors.", "Cybertruck"),
        # so does an adverb
        ("Which highly rated airline did Alaska buy?",
         "In Seattle, Alaska Air Group agreed to buy Hawaiian Airlines, its chief Ben Minicucci said.",
         "Hawaiian Airlines"),
    ],
)
def test_what_is_sought_is_read_past_its_modifiers(model, question, sentence, answer) -> None:
    assert direct_answer(question, [sentence], common_words=set(), similarity=_similarity(model)) == answer


def test_a_day_after_a_name_is_not_part_of_it() -> None:
    sentences = ["NFL owners approved the sale of the Denver Broncos Tuesday to a group led by Rob Walton."]
    question = "NFL owners approved the sale of which football team?"
    assert direct_answer(question, sentences, common_words=set()) == "Denver Broncos"


def test_a_name_beats_a_plain_word_of_the_kind_sought_from_another_sentence(model) -> None:
    sentences = [
        "The dragon boat race was won by the team from the Ostvale fire brigade, who beat last "
        "year's champions from the university rowing club by two seconds.",
        "She is the youngest winner in the tournament's history.",
    ]
    answer = direct_answer("Which team won the boat race?", sentences, common_words={"team"}, similarity=_similarity(model))
    assert answer == "Ostvale"


def test_a_capitalised_word_opening_a_sentence_is_a_name_only_if_seen_inside_one() -> None:
    sentences = ["Energy company Northwind opened a 400-megawatt solar farm near the town of Keld on Monday."]
    common, named = word_casing([*sentences, "The farm cost 310 million euros to build, Northwind said."])
    assert "Northwind" in named and "Energy" not in named
    answer = direct_answer("Which company opened the solar farm?", sentences, common_words=common, names_seen=named)
    assert answer == "Northwind"
