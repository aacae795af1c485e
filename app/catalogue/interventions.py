"""The intervention menu across employment, social and health efforts."""

from dataclasses import dataclass

from app.catalogue import N_


@dataclass(frozen=True)
class InterventionType:
    key: str
    area: str  # "employment", "social" or "health"
    name: str
    description: str


INTERVENTION_TYPES: tuple[InterventionType, ...] = (
    InterventionType(
        "mentor",
        "employment",
        N_("Mentor"),
        N_("A person who supports you in getting started and keeping going."),
    ),
    InterventionType(
        "internship",
        "employment",
        N_("Company internship"),
        N_("Try a workplace for a while, without pay, with support."),
    ),
    InterventionType(
        "wage_subsidy",
        "employment",
        N_("Wage subsidy"),
        N_("A job with pay, where the employer gets support for your wage."),
    ),
    InterventionType(
        "paid_hours",
        "employment",
        N_("A few paid hours"),
        N_("A small job with a few paid hours a week."),
    ),
    InterventionType(
        "course",
        "employment",
        N_("Course or upskilling"),
        N_("Learn something new that helps you towards work."),
    ),
    InterventionType(
        "ips",
        "employment",
        N_("IPS job support"),
        N_("Individual support to find and keep an ordinary job."),
    ),
    InterventionType(
        "psychologist",
        "health",
        N_("Psychologist"),
        N_("Talks with a psychologist about how you feel."),
    ),
    InterventionType(
        "addiction_treatment",
        "health",
        N_("Addiction treatment"),
        N_("Help to stop or cut down on alcohol or drugs."),
    ),
    InterventionType(
        "physiotherapy",
        "health",
        N_("Physiotherapy or training"),
        N_("Exercise and treatment for your body."),
    ),
    InterventionType(
        "support_person",
        "social",
        N_("Support person (§ 85)"),
        N_("A person who helps you with everyday things at home."),
    ),
    InterventionType(
        "debt_counselling",
        "social",
        N_("Debt counselling"),
        N_("Help to get an overview of your money and debt."),
    ),
    InterventionType(
        "housing_support",
        "social",
        N_("Housing support"),
        N_("Help to find or keep a place to live."),
    ),
    InterventionType(
        "social_frikort",
        "social",
        N_("Social frikort"),
        N_("Earn a little money tax-free beside your benefits, without it being taken off them."),
    ),
    InterventionType(
        "peer_group",
        "social",
        N_("Peer group"),
        N_("Meet others in the same situation and share experience."),
    ),
)

BY_KEY = {item.key: item for item in INTERVENTION_TYPES}
