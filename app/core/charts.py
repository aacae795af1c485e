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


# -- charts for people: a scale with its numbers, dated points, and lines to compare with --------

LEFT, RIGHT, TOP, BOTTOM = 34, 12, 10, 30


@dataclass(frozen=True)
class Dated:
    """One answer on a chart with axes: `tick` is written under it (a short date), `label` is
    what its tooltip and the text alternative say (the full date)."""

    tick: str
    label: str
    value: float | None  # None: a gap (a month with too few to show)
    text: str = ""  # the value as the viewer's language writes it, beside the point


@dataclass(frozen=True)
class Line:
    css: str  # its class, e.g. "chart-series-1"
    points: Sequence[Dated]
    # A second line is dotted, so the two differ without colour.
    dotted: bool = False


@dataclass(frozen=True)
class Guide:
    """A level to compare with (a target), drawn dashed and named."""

    value: float
    label: str


def axis_chart(
    lines: Sequence[Line],
    *,
    title: str,
    maximum: float,
    ticks: Sequence[tuple[float, str]],
    guides: Sequence[Guide] = (),
    width: int = 360,
    height: int = 180,
    css_class: str = "chart chart-axes",
) -> Markup:
    """Lines over time on a fixed scale (0 to `maximum`) with its numbers written on the left
    (`ticks`), each point's date under it and its value beside it, and dashed `guides`. `title`
    is the text alternative: say every point with its date in it."""
    inner_w, inner_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    n = max((len(line.points) for line in lines), default=0)

    def x(i: int) -> float:
        return round(LEFT + (inner_w * i / (n - 1) if n > 1 else inner_w / 2), 1)

    def y(value: float) -> float:
        return round(TOP + inner_h * (1 - value / maximum), 1)

    parts = [f"<title>{escape(title)}</title>"]
    for value, text in ticks:
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" y1="{y(value)}" x2="{LEFT + inner_w}" y2="{y(value)}"/>'
        )
        parts.append(
            f'<text class="chart-tick" x="{LEFT - 4}" y="{y(value) + 4}" text-anchor="end">'
            f"{escape(text)}</text>"
        )
    for guide in guides:
        parts.append(
            f'<line class="chart-guide" x1="{LEFT}" y1="{y(guide.value)}" x2="{LEFT + inner_w}" '
            f'y2="{y(guide.value)}"/><text class="chart-guide-label" x="{LEFT + inner_w}" '
            f'y="{y(guide.value) - 3}" text-anchor="end">{escape(guide.label)}</text>'
        )
    # Under each point its date; when there are many, every other one (the first and last always).
    step = 1 if n <= 6 else 2
    dates = lines[0].points if lines else []
    for i, point in enumerate(dates):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text class="chart-date" x="{x(i)}" y="{height - 8}" text-anchor="middle">'
                f"{escape(point.tick)}</text>"
            )
    for line in lines:
        known = [(i, p) for i, p in enumerate(line.points) if p.value is not None]
        path = " ".join(f"{x(i)},{y(p.value or 0)}" for i, p in known)
        if len(known) > 1:
            parts.append(
                f'<polyline class="{escape(line.css)}" points="{path}" fill="none" stroke-width="2.5"'
                + (' stroke-dasharray="2 3"/>' if line.dotted else "/>")
            )
        for i, p in known:
            value = p.value or 0
            shown = escape(p.text or f"{value:g}")
            parts.append(
                f'<circle class="{escape(line.css)}" cx="{x(i)}" cy="{y(value)}" r="4">'
                f"<title>{escape(p.label)}: {shown}</title></circle>"
                f'<text class="chart-value" x="{x(i)}" y="{y(value) - 8}" text-anchor="middle" '
                f'font-weight="700">{shown}</text>'
            )
    return Markup(
        f'<svg class="{escape(css_class)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" focusable="false" font-size="11">'
        + "".join(parts)
        + "</svg>"
    )
