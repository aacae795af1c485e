from app.core.charts import Dated, Guide, Line, Point, axis_chart, line_chart


def test_line_chart_has_a_text_alternative_and_one_dot_per_point() -> None:
    svg = line_chart([Point("1. jan", 3), Point("8. jan", 5), Point("<b>", 10)], title="Fra 3 til 10")
    assert 'role="img"' in svg and 'aria-label="Fra 3 til 10"' in svg
    assert svg.count("<circle") == 3
    assert "<b>" not in svg  # labels are escaped
    assert 'cy="6.0"' in svg  # 10 is drawn at the top


def test_single_point_draws_no_line() -> None:
    svg = line_chart([Point("i dag", 4)], title="4")
    assert "<polyline" not in svg and svg.count("<circle") == 1


def test_axis_chart_writes_its_scale_dates_values_and_targets() -> None:
    """Issue 21, item 18: a chart for people, not a squiggle."""
    points = [
        Dated("5 Oct", "5 Oct 2026", 3, "3"),
        Dated("1 Dec", "1 Dec 2026", 8, "8"),
        Dated("<b>", "x", None),
    ]
    svg = axis_chart(
        [Line("chart-series-1", points)],
        title="3 on 5 Oct 2026, 8 on 1 Dec 2026",
        maximum=10,
        ticks=[(0, "0"), (5, "5"), (10, "10")],
        guides=[Guide(3, "Target")],
    )
    for text in (">0</text>", ">5</text>", ">10</text>", ">5 Oct</text>", ">1 Dec</text>", ">Target</text>"):
        assert text in svg
    assert svg.count("<circle") == 2, "a gap is no point"
    assert "<b>" not in svg and 'aria-label="3 on 5 Oct 2026, 8 on 1 Dec 2026"' in svg
