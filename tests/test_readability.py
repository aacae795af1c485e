"""LIX on texts whose score is known by hand: words per sentence plus the share of long words
(more than six letters), the bands, and the sentences of 21 words or more."""

import pytest

from app.core.readability import measure, sentences


def test_short_words_in_short_sentences_are_easy() -> None:
    result = measure("Jeg går hjem. Du bliver her.")
    assert result is not None
    assert (result.words, result.sentences, result.long_words) == (6, 2, 0)
    assert result.lix == 3.0
    assert result.level == "easy"
    assert result.level_name == "Easy"


def test_long_words_make_it_hard() -> None:
    # 3 words, 1 sentence, 3 long words: 3 / 1 + 100 * 3 / 3.
    result = measure("Konsulenten anbefaler arbejdsprøvning.")
    assert result is not None
    assert result.lix == 103.0
    assert result.level == "hard"


@pytest.mark.parametrize(
    ("text", "score", "level"),
    [
        # 10 words, 1 sentence, 4 long (sagsbehandler, gennemgår, aftalerne, samtale): 10 + 40.
        ("Din sagsbehandler gennemgår aftalerne sammen med dig på næste samtale.", 50, "hard"),
        # 9 words, 2 sentences, 1 long (kalender; "mandag" has six letters): 4.5 + 11.1.
        ("Vi mødes på mandag. Tag gerne din kalender med.", 16, "easy"),
        # 15 words, 1 sentence, 1 long (forvejen): 15 + 6.7.
        ("Hvis du ikke kan komme til mødet på mandag, så ring til mig i forvejen.", 22, "easy"),
        # 10 words, 1 sentence, 3 long (sygesikringskort, samtalen, torsdag): 10 + 30.
        ("Husk at tage dit sygesikringskort med til samtalen på torsdag.", 40, "medium"),
    ],
)
def test_known_texts(text: str, score: int, level: str) -> None:
    result = measure(text)
    assert result is not None
    assert (result.score, result.level) == (score, level)


def test_the_bands_are_33_or_less_easy_and_44_or_more_hard() -> None:
    def at(long_words: int) -> str:
        # 10 words in one sentence; each long word adds 10.
        text = " ".join(["langeord"] * long_words + ["kort"] * (10 - long_words)) + "."
        result = measure(text)
        assert result is not None
        return f"{result.score} {result.level}"

    assert [at(n) for n in (2, 3, 4)] == ["30 easy", "40 medium", "50 hard"]


def test_sentences_of_21_words_or_more_are_marked() -> None:
    twenty = " ".join(["ord"] * 20) + "."
    twenty_one = " ".join(["ord"] * 21) + "."
    result = measure(f"{twenty} {twenty_one.capitalize()} Kort.")
    assert result is not None
    assert result.sentences == 3
    assert result.long_sentences == (twenty_one.capitalize(),)


def test_abbreviations_times_and_lines_split_where_a_reader_would() -> None:
    assert sentences("Vi ses kl. 10 i morgen. Tag f.eks. en madpakke med!\nPunkt to\n\nPunkt tre") == [
        "Vi ses kl. 10 i morgen.",
        "Tag f.eks. en madpakke med!",
        "Punkt to",
        "Punkt tre",
    ]


def test_english_is_measured_the_same_way() -> None:
    result = measure("We meet on Monday. Bring your calendar.")
    assert result is not None
    # 7 words, 2 sentences, 1 long (calendar): 3.5 + 14.3.
    assert result.score == 18


def test_no_words_no_score() -> None:
    assert measure("") is None
    assert measure("  12 34 … ") is None
