"""How each role is named to people."""

from app.catalogue import N_

ROLE_NAMES: dict[str, str] = {
    "citizen": N_("citizen"),
    "consultant": N_("consultant"),
    "network": N_("network member"),
    "manager": N_("manager"),
    "admin": N_("administrator"),
}
