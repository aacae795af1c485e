"""Small charts drawn on the server as SVG, each with a text alternative. No JavaScript."""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Point:
    label: str  # what a screen reader hears for this point, e.g. a formatted date
    value: int  # 0–10


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    width: int = 240,
    height: int = 72,
    maximum: int = 10,
    css_class: str = "chart",
) -> Markup:
    """A line of 0–10 values over time. `title` is the text alternative (read by screen
    readers and shown as a tooltip); the values are also listed for those who cannot see it."""
    pad = 6
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    n = len(points)

    def xy(i: int, value: int) -> tuple[float, float]:
        x = pad + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)
        y = pad + inner_h * (1 - value / maximum)
        return round(x, 1), round(y, 1)

    coords = [xy(i, p.value) for i, p in enumerate(points)]
    path = " ".join(f"{x},{y}" for x, y in coords)
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="3.5"><title>{escape(p.label)}: {p.value}</title></circle>'
        for (x, y), p in zip(coords, points, strict=True)
    )
    line = f'<polyline points="{path}" fill="none" stroke-width="2.5"/>' if n > 1 else ""
    baseline = f'<line x1="{pad}" y1="{pad + inner_h}" x2="{pad + inner_w}" y2="{pad + inner_h}"/>'
    return Markup(
        f'<svg class="{escape(css_class)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" focusable="false">'
        f"<title>{escape(title)}</title>{baseline}{line}{dots}</svg>"
    )
