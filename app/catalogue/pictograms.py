"""One simple pictogram per life area, drawn for Tavle. Decorative only: the words beside each
one carry the meaning, so screen readers skip them (aria-hidden). They take the text colour."""

from markupsafe import Markup

from app.models import LifeArea

_SHAPES: dict[LifeArea, str] = {
    # A briefcase.
    LifeArea.work: '<rect x="3" y="7" width="18" height="13" rx="2"/><path d="M9 7V5h6v2M3 12h18"/>',
    # A book, open.
    LifeArea.education: '<path d="M12 6c-2-1.5-5-2-8-1.5V19c3-.5 6 0 8 1.5 2-1.5 5-2 8-1.5V4.5c-3-.5-6 0-8 1.5zM12 6v14.5"/>',
    # A heart with a pulse.
    LifeArea.physical_health: '<path d="M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10z"/><path d="M7 12h3l1.5-2.5 2 4 1.5-1.5H17"/>',
    # A calm face.
    LifeArea.mental_wellbeing: '<circle cx="12" cy="12" r="8.5"/><path d="M8.5 14.5c1.8 2 5.2 2 7 0"/><path d="M9 10h.01M15 10h.01" stroke-width="2.5"/>',
    # A house.
    LifeArea.housing: '<path d="M3.5 11 12 4l8.5 7"/><path d="M6 9.5V20h12V9.5"/><path d="M10 20v-5h4v5"/>',
    # A coin and a stack.
    LifeArea.money: '<circle cx="9" cy="9" r="5.5"/><path d="M9 6.5v5"/><path d="M13.5 14.5h7M13.5 17.5h7M11 20.5h9.5"/>',
    # Two people.
    LifeArea.family_network: '<circle cx="8" cy="8" r="3"/><circle cx="16.5" cy="9.5" r="2.5"/><path d="M2.5 20c0-3.5 2.5-6 5.5-6s5.5 2.5 5.5 6M13 20c.2-2.7 1.6-4.5 3.5-4.5s3.8 1.8 4 4.5"/>',
    # A bottle.
    LifeArea.addiction: '<path d="M10 3h4M10.5 3v4.5L8 11v9.5h8V11l-2.5-3.5V3"/><path d="M8 14h8"/>',
    # A clock.
    LifeArea.everyday_life: '<circle cx="12" cy="12" r="8.5"/><path d="M12 7v5l3.5 2"/>',
    # A bus.
    LifeArea.transport: '<rect x="4.5" y="3.5" width="15" height="14" rx="2.5"/><path d="M4.5 11h15M7 20.5v-3M17 20.5v-3"/><path d="M8 14.5h.01M16 14.5h.01" stroke-width="2.5"/>',
    # Two speech bubbles.
    LifeArea.language: '<path d="M3.5 5.5h10v7H8l-3 2.5v-2.5H3.5z"/><path d="M13.5 9.5h7v7H19V19l-3-2.5h-5.5v-4"/>',
}


def pictogram(area: LifeArea | str, css_class: str = "pictogram") -> Markup:
    shape = _SHAPES.get(LifeArea(area)) if area in LifeArea.__members__.values() else None
    return Markup(
        f'<svg class="{css_class}" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" '
        'focusable="false" fill="none" stroke="currentColor" stroke-width="1.8" '
        f'stroke-linecap="round" stroke-linejoin="round">{shape or ""}</svg>'
    )
