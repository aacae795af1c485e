from app.core.charts import Point, line_chart


def test_line_chart_has_a_text_alternative_and_one_dot_per_point() -> None:
    svg = line_chart([Point("1. jan", 3), Point("8. jan", 5), Point("<b>", 10)], title="Fra 3 til 10")
    assert 'role="img"' in svg and 'aria-label="Fra 3 til 10"' in svg
    assert svg.count("<circle") == 3
    assert "<b>" not in svg  # labels are escaped
    assert 'cy="6.0"' in svg  # 10 is drawn at the top


def test_single_point_draws_no_line() -> None:
    svg = line_chart([Point("i dag", 4)], title="4")
    assert "<polyline" not in svg and svg.count("<circle") == 1
