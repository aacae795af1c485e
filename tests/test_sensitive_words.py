"""The sensitive-word list (app/catalogue/sensitive_words.txt): each topic in Danish and English,
Danish compounds and endings, and the everyday words that must not set it off."""

import pytest

from app.catalogue.sensitive import TOPIC_NAMES, entries, mentions


@pytest.mark.parametrize(
    ("text", "topic", "word"),
    [
        ("Ringe til lægen om mine piller", "health", "lægen"),
        ("Book a doctor's appointment", "health", "doctor's"),
        ("Fysioterapi om tirsdagen", "health", "Fysioterapi"),
        ("Første samtale hos psykologen", "mental_health", "psykologen"),
        ("See the psychologist on Monday", "mental_health", "psychologist"),
        ("Tale om min angst", "mental_health", "angst"),
        ("Starte i misbrugsbehandling", "addiction", "misbrugsbehandling"),
        ("Mit alkoholmisbrug", "addiction", "alkoholmisbrug"),
        ("Stop drinking before noon", "addiction", "drinking"),
        ("Ringe til gældsrådgivningen", "debt", "gældsrådgivningen"),
        ("Betale af på min studiegæld", "debt", "studiegæld"),
        ("Call the bailiff back", "debt", "bailiff"),
        ("Hente min straffeattest", "criminal_record", "straffeattest"),
        ("Tell them about my criminal record", "criminal_record", "criminal"),
    ],
)
def test_each_topic_in_danish_and_english(text: str, topic: str, word: str) -> None:
    assert [(m.topic, m.word) for m in mentions(text)] == [(topic, word)]


@pytest.mark.parametrize(
    "text",
    [
        "Gå tur med min søster to gange om ugen",
        "Det gælder også i weekenden",
        "Finde tre dyrehandler, der tager praktikanter",
        "Paint the kitchen",
        "Komme op om morgenen",
        "Søge job som lagerarbejder",
    ],
)
def test_everyday_words_are_not_sensitive(text: str) -> None:
    assert mentions(text) == []


def test_each_topic_once_in_the_order_the_text_has_them() -> None:
    found = mentions("Gæld og misbrug, og mere gæld", "Navn: Lægehuset")
    assert [m.topic for m in found] == ["debt", "addiction", "health"]


def test_the_list_covers_every_topic_and_nothing_else() -> None:
    topics = {entry.topic for entry in entries()}
    assert topics == set(TOPIC_NAMES)
    assert all(entry.word == entry.word.lower() and entry.word for entry in entries())
