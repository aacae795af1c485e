"""Common challenges by life area, in plain words, so a citizen can point instead of write.

The English text is the msgid; the Danish is in the catalogue. When a citizen picks one, it is
copied into their plan in their own language, and from then on it is theirs to reword."""

from dataclasses import dataclass

from app.catalogue import N_
from app.models import LifeArea


@dataclass(frozen=True)
class CatalogueChallenge:
    key: str
    life_area: LifeArea
    text: str


def _area(area: LifeArea, items: dict[str, str]) -> list[CatalogueChallenge]:
    return [
        CatalogueChallenge(key=f"{area.value}.{slug}", life_area=area, text=text)
        for slug, text in items.items()
    ]


CHALLENGES: tuple[CatalogueChallenge, ...] = (
    *_area(
        LifeArea.work,
        {
            "which_job": N_("I don't know what kind of job I could do"),
            "long_ago": N_("It is a long time since I last worked"),
            "applications": N_("I find it hard to write a CV and applications"),
            "hours": N_("I don't know how many hours I can manage"),
            "new_workplace": N_("I get nervous about starting at a new workplace"),
        },
    ),
    *_area(
        LifeArea.education,
        {
            "school_hard": N_("School was hard for me"),
            "read_write": N_("I find it hard to read and write"),
            "no_education": N_("I have no education after primary school"),
            "which_education": N_("I don't know which education suits me"),
            "computer": N_("I find it hard to use a computer"),
        },
    ),
    *_area(
        LifeArea.physical_health,
        {
            "pain": N_("I am in pain most of the time"),
            "tired": N_("I am tired and have little energy"),
            "sleep": N_("I sleep badly"),
            "move_more": N_("I would like to move more"),
            "doctor": N_("I put off going to the doctor or the dentist"),
        },
    ),
    *_area(
        LifeArea.mental_wellbeing,
        {
            "worry": N_("I worry a lot"),
            "down": N_("I often feel down"),
            "new_people": N_("I get nervous with people I don't know"),
            "stress": N_("I get stressed easily"),
            "believe": N_("I find it hard to believe in myself"),
        },
    ),
    *_area(
        LifeArea.housing,
        {
            "no_home": N_("I don't have a place of my own to live"),
            "rent": N_("My rent is too high"),
            "not_good": N_("Where I live is not good for me"),
            "tidy": N_("I find it hard to keep my home tidy"),
            "must_move": N_("I have to move and don't know where to"),
        },
    ),
    *_area(
        LifeArea.money,
        {
            "debt": N_("I have debt that worries me"),
            "overview": N_("I don't have an overview of my money"),
            "month": N_("My money does not last the whole month"),
            "letters": N_("I find it hard to open and understand letters from the authorities"),
            "online_bank": N_("I find it hard to use online banking and MitID"),
        },
    ),
    *_area(
        LifeArea.family_network,
        {
            "lonely": N_("I feel lonely"),
            "conflict": N_("There is conflict in my family"),
            "children": N_("It is hard to make everyday life work with my children"),
            "no_help": N_("I have no one to ask for help"),
            "caring": N_("I look after someone close to me, and it takes a lot of energy"),
        },
    ),
    *_area(
        LifeArea.addiction,
        {
            "alcohol": N_("I drink more alcohol than is good for me"),
            "drugs": N_("I smoke hash or take other drugs"),
            "gambling": N_("I gamble for money and find it hard to stop"),
            "medicine": N_("I take more medicine than I should"),
            "stay_free": N_("I want to stay free of my addiction"),
        },
    ),
    *_area(
        LifeArea.everyday_life,
        {
            "morning": N_("I find it hard to get up in the morning"),
            "rhythm": N_("My days have no fixed rhythm"),
            "appointments": N_("I forget appointments"),
            "food": N_("I find it hard to shop and cook"),
            "get_out": N_("I find it hard to get out of the house"),
        },
    ),
    *_area(
        LifeArea.transport,
        {
            "no_car": N_("I have no car and everything is far away"),
            "bus_train": N_("I find it hard to take the bus or the train"),
            "licence": N_("I would like to get a driving licence"),
            "tickets": N_("Tickets are too expensive for me"),
            "find_way": N_("I find it hard to find my way to new places"),
        },
    ),
    *_area(
        LifeArea.language,
        {
            "speak": N_("I find it hard to speak Danish"),
            "understand": N_("I find it hard to understand Danish when people talk fast"),
            "read": N_("I find it hard to read letters in Danish"),
            "work_words": N_("I want to learn the words I need at work"),
            "school": N_("I want to start or carry on at a language school"),
        },
    ),
)

BY_KEY: dict[str, CatalogueChallenge] = {item.key: item for item in CHALLENGES}


def by_area() -> dict[LifeArea, list[CatalogueChallenge]]:
    """Every life area, in the fixed order, with its challenges."""
    grouped: dict[LifeArea, list[CatalogueChallenge]] = {area: [] for area in LifeArea}
    for item in CHALLENGES:
        grouped[item.life_area].append(item)
    return grouped
