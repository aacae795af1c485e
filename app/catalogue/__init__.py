"""Fixed lists the product ships with: life areas, interventions. Texts are marked for
translation here and translated where they are shown, in the viewer's language."""


def N_(message: str) -> str:
    """Marks a message for extraction without translating it yet."""
    return message
