"""scoring.charts geometry and the SVG partials that draw it (no database)."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from scoring.aggregate import CompetencySpec, RatingRow, ScorecardRow, aggregate_application
from scoring.calibration import LeniencyPoint
from scoring.charts import _initials_for, competency_dots_chart, leniency_chart

SVG = "{http://www.w3.org/2000/svg}"
SCALE = [(1, "Unacceptable"), (2, "Developing"), (3, "Proficient"), (4, "Advanced"), (5, "Leader")]


def summaries():
    specs = [
        CompetencySpec(1, "Coding", bar=3, critical=True),
        CompetencySpec(2, "Collaboration", bar=4),
        CompetencySpec(3, "Design"),
    ]
    cards = [
        ScorecardRow(1, "Ana Lee", 10, submitted=True, stage="Technical"),
        ScorecardRow(2, "O'Brien & <Co>", 20, submitted=True, stage="Design"),
        ScorecardRow(3, "Sam Shadow", 20, shadow=True, submitted=True),
    ]
    ratings = [
        RatingRow(1, 1, 4),
        RatingRow(2, 1, 4),
        RatingRow(1, 2, 1),
        RatingRow(2, 2, 4),
        RatingRow(1, 3, 3),
        RatingRow(2, 3, None, not_assessed=True),
        RatingRow(3, 1, 1),
    ]
    return aggregate_application(specs, cards, ratings).competencies


def test_dot_chart_places_dots_on_the_scale_and_the_bar_per_row():
    chart = competency_dots_chart(summaries(), SCALE)
    xs = {t.label: t.x for t in chart.ticks}
    assert list(xs) == ["1", "2", "3", "4", "5"]
    assert chart.plot_left < xs["1"] < xs["5"] < chart.plot_right
    assert xs["2"] - xs["1"] == pytest.approx(xs["5"] - xs["4"])
    by_label = {row.label: row for row in chart.rows}
    collaboration = by_label["Collaboration"]
    assert sorted(d.cx for d in collaboration.dots) == [xs["1"], xs["4"]]
    assert collaboration.bar_x == xs["4"]
    assert by_label["Design"].bar_x is None


def test_dot_chart_keeps_committee_order_and_highlights_flagged_rows():
    chart = competency_dots_chart(summaries(), SCALE)
    assert [r.label for r in chart.rows] == ["Collaboration", "Design", "Coding"]
    collaboration, design, coding = chart.rows
    assert collaboration.flags == "disagreement" and collaboration.wash
    assert "chart-row--disagreement" in collaboration.css
    assert design.flags == "gap" and design.wash and "chart-row--gap" in design.css
    assert design.unassessed == "1 not assessed"
    assert coding.flags == "" and coding.wash is None and coding.critical
    assert coding.note == "median 4 · meets the bar"
    assert collaboration.note == "median 2.5 · below the bar"


def test_dot_chart_stacks_equal_scores_instead_of_hiding_one():
    chart = competency_dots_chart(summaries(), SCALE)
    coding = next(r for r in chart.rows if r.label == "Coding")
    assert len({d.cx for d in coding.dots}) == 1
    ys = sorted(d.cy for d in coding.dots)
    assert ys[1] - ys[0] >= 2 * chart.dot_radius
    assert all(coding.top < y < coding.bottom for y in ys)
    # Rows are laid one under the other without overlapping.
    for upper, lower in zip(chart.rows, chart.rows[1:], strict=False):
        assert upper.bottom == lower.top


def test_dot_chart_labels_interviewers_uniquely_and_leaves_shadows_out():
    chart = competency_dots_chart(summaries(), SCALE)
    assert [(i.initials, i.name) for i in chart.legend] == [
        ("AL", "Ana Lee"),
        ("OC", "O'Brien & <Co>"),
    ]
    assert "Sam Shadow" not in chart.desc
    coding = next(r for r in chart.rows if r.label == "Coding")
    assert [d.title for d in coding.dots] == ["Ana Lee, Technical: 4", "O'Brien & <Co>, Design: 4"]


def test_dot_chart_gives_clashing_initials_distinct_letters_not_a_number():
    cards = [
        ScorecardRow(1, "Hana Abe", 1, submitted=True),
        ScorecardRow(2, "Hiro Arai", 2, submitted=True),
        ScorecardRow(3, "Ines Okafor", 3, submitted=True),
    ]
    ratings = [RatingRow(1, 1, 3), RatingRow(2, 1, 3), RatingRow(3, 1, 4)]
    result = aggregate_application([CompetencySpec(1, "Coding")], cards, ratings)
    chart = competency_dots_chart(result.competencies, SCALE)
    assert [(i.initials, i.name) for i in chart.legend] == [
        ("HAb", "Hana Abe"),
        ("HAr", "Hiro Arai"),
        ("IO", "Ines Okafor"),
    ]
    coding = chart.rows[0]
    assert sorted(d.initials for d in coding.dots) == ["HAb", "HAr", "IO"]


@pytest.mark.parametrize(
    ("names", "labels"),
    [
        (["Ana Lee", "Alex Li"], ["ALe", "ALi"]),
        (["Ana Lee", "Anne Lee"], ["Ana", "Ann"]),
        (["Ana Lee", "Ana Leone", "Bo Li"], ["AL1", "AL2", "BL"]),
        (["Cher", "Chen", "O'Brien & <Co>", "&"], ["CH1", "CH2", "OC", "?"]),
    ],
)
def test_every_interviewer_gets_a_different_short_label(names, labels):
    got = _initials_for(names)
    assert list(got.values()) == labels
    assert len(set(got.values())) == len(names)
    assert all(len(label) <= 3 for label in got.values())


def test_dot_chart_describes_itself_in_words():
    desc = competency_dots_chart(summaries(), SCALE).desc
    assert desc == (
        "Collaboration: Ana Lee 1, O'Brien & <Co> 4; bar 4; disagreement."
        " Design: Ana Lee 3; gap. Coding: Ana Lee 4, O'Brien & <Co> 4; bar 3."
    )


def render(template, chart):
    return render_to_string(f"scoring/charts/{template}", {"chart": chart})


def parse(svg_text):
    root = ET.fromstring(svg_text.strip())
    assert root.tag == f"{SVG}svg"
    return root


def assert_accessible_and_csp_clean(root):
    labelled = root.get("aria-labelledby").split()
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(labelled) <= ids
    assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    assert root.get("role") == "img"
    assert not [el for el in root.iter() if "style" in el.attrib]
    assert not [el for el in root.iter() if el.tag.endswith("script")]


def test_dot_chart_template_is_well_formed_accessible_svg_without_inline_styles():
    svg = render("_competency_dots.svg.html", competency_dots_chart(summaries(), SCALE))
    root = parse(svg)
    assert_accessible_and_csp_clean(root)
    circles = [c for c in root.iter(f"{SVG}circle")]
    assert len(circles) == 5 + 2  # five scores and the two legend keys
    assert all(c.get("fill") for c in circles)  # drawn without the app stylesheet
    assert "O'Brien &amp; &lt;Co&gt;" in svg or "O&#x27;Brien &amp; &lt;Co&gt;" in svg
    assert len([el for el in root.iter() if el.get("class") == "chart-bar"]) == 2


def test_dot_chart_template_writes_coordinates_with_a_dot_whatever_the_locale(settings):
    from django.utils import translation

    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("de"):
        svg = render("_competency_dots.svg.html", competency_dots_chart(summaries(), SCALE))
    root = parse(svg)
    first = next(root.iter(f"{SVG}circle"))
    float(first.get("cx"))  # "237,5" would not parse


def points(*values):
    return [LeniencyPoint(f"M{i}", None, v, n) for i, (v, n) in enumerate(values)]


def test_leniency_chart_is_symmetric_around_zero_and_at_least_one_point_wide():
    chart = leniency_chart(points((0.2, 4), (-0.3, 2)), name="Ana")
    assert chart.zero_y == pytest.approx((chart.plot_top + chart.plot_bottom) / 2)
    assert [t.label for t in chart.y_ticks] == ["−1", "−0.5", "0", "+0.5", "+1"]
    wide = leniency_chart(points((2.3, 4)), name="Ana")
    assert [t.label for t in wide.y_ticks] == ["−3", "−2", "−1", "0", "+1", "+2", "+3"]


def test_leniency_chart_puts_lenient_above_and_severe_below_zero_oldest_first():
    chart = leniency_chart(points((0.5, 4), (-0.5, 1), (0.0, 9)), name="Ana")
    first, second, third = chart.marks
    assert first.x < second.x < third.x
    assert first.y < chart.zero_y < second.y and third.y == chart.zero_y
    assert first.lenient and not second.lenient
    assert second.r < first.r < third.r  # more comparisons, larger mark
    assert first.title == "M0: +0.50 over 4 comparisons"
    assert second.title == "M1: -0.50 over 1 comparison"
    assert chart.line == " ".join(f"{m.x},{m.y}" for m in chart.marks)


def test_leniency_chart_thins_crowded_labels_but_keeps_first_and_last():
    chart = leniency_chart(points(*[(0.1, 1)] * 30), name="Ana")
    labels = [t.label for t in chart.x_labels]
    assert labels[0] == "M0" and labels[-1] == "M29"
    assert len(labels) <= 9


def test_leniency_template_renders_points_and_an_empty_state():
    root = parse(
        render("_leniency.svg.html", leniency_chart(points((0.5, 4), (-0.25, 3)), name="Ana"))
    )
    assert_accessible_and_csp_clean(root)
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert root.find(f"{SVG}title").text == "Leniency of Ana over time"
    empty = parse(render("_leniency.svg.html", leniency_chart([], name="Ben")))
    assert_accessible_and_csp_clean(empty)
    assert not list(empty.iter(f"{SVG}circle"))
    assert "No comparisons yet" in ET.tostring(empty, encoding="unicode")
