"""The life areas a challenge belongs to."""

from app.catalogue import N_
from app.models import LifeArea

LIFE_AREA_NAMES: dict[LifeArea, str] = {
    LifeArea.work: N_("Work"),
    LifeArea.education: N_("Education"),
    LifeArea.physical_health: N_("Physical health"),
    LifeArea.mental_wellbeing: N_("Mental well-being"),
    LifeArea.housing: N_("Housing"),
    LifeArea.money: N_("Money and debt"),
    LifeArea.family_network: N_("Family and network"),
    LifeArea.addiction: N_("Addiction"),
    LifeArea.everyday_life: N_("Everyday life"),
    LifeArea.transport: N_("Transport"),
    LifeArea.language: N_("Language"),
}
