"""bulletin.front_page: main points made from figures.json, and contents made from the analyses."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from bulletin import front_page, pages, report
from bulletin.periods import Quarter

SEIZURE_FIGURES = {
    "seizures_quarter_cannabis_herb_resin_t": {
        "value": 3.75, "unit": "t", "period": "2017-Q1", "status": "reconstructed",
        "notebook": "01_quarterly_seizures",
    },
    "seizures_quarter_heroin_opium_t": {
        "value": 1.25, "unit": "t", "period": "2017-Q1", "status": "reconstructed",
        "notebook": "01_quarterly_seizures",
    },
    "seizures_quarter_countries_reporting": {
        "value": 5, "unit": "countries", "period": "2017-Q1", "status": "reconstructed",
        "notebook": "01_quarterly_seizures",
    },
}
C1_SENTENCE = (
    "Almost four tons of marijuana and hashish and over one ton of heroin and opium were seized "
    "in five countries of Central Asia in January-March 2017."
)


@dataclass
class Rendered:
    """What the renderer knows of a rendered analysis (bulletin.render.RenderedNotebook)."""

    name: str
    title: str
    html_name: str
    figures: list = field(default_factory=list)


def test_quarterly_seizures_point_words_the_figures():
    assert front_page.quarterly_seizures_point(SEIZURE_FIGURES) == C1_SENTENCE
    figures = json.loads(json.dumps(SEIZURE_FIGURES))
    figures["seizures_quarter_cannabis_herb_resin_t"]["value"] = 4.02
    figures["seizures_quarter_countries_reporting"]["value"] = 1
    figures["seizures_quarter_cannabis_herb_resin_t"]["period"] = "2016-Q4"
    sentence = front_page.quarterly_seizures_point(figures)
    assert sentence.startswith("Over four tons of marijuana")
    assert sentence.endswith("in one country of Central Asia in October-December 2016.")


def test_main_point_follows_the_figures_an_analysis_recorded():
    assert front_page.main_point("01_quarterly_seizures", SEIZURE_FIGURES) == (
        C1_SENTENCE, ["reconstructed"])
    assert front_page.main_point("02_other", SEIZURE_FIGURES) is None
    renamed = {k: {**v, "notebook": "01_seizures"} for k, v in SEIZURE_FIGURES.items()}
    assert front_page.main_point("01_seizures", renamed)[0] == C1_SENTENCE


def test_main_point_needs_every_figure_and_a_value(caplog):
    partial = dict(SEIZURE_FIGURES)
    partial.pop("seizures_quarter_heroin_opium_t")
    assert front_page.main_point("01_quarterly_seizures", partial) is None
    missing = json.loads(json.dumps(SEIZURE_FIGURES))
    missing["seizures_quarter_heroin_opium_t"]["value"] = None
    with caplog.at_level(logging.WARNING):
        assert front_page.main_point("01_quarterly_seizures", missing) is None
    assert "no main point for 01_quarterly_seizures" in caplog.text


def test_main_points_in_reading_order():
    assert front_page.main_points(SEIZURE_FIGURES, ["00_intro", "01_quarterly_seizures"]) == [
        ("01_quarterly_seizures", C1_SENTENCE)
    ]


def _executed(folder: Path, name: str, title: str, summary: str, status: str) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("...")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={
            report.FIGURE_MIMETYPE: {"name": f"{name}_x", "value": 1, "unit": "t",
                                     "period": "2016", "status": status},
            "text/plain": "figure",
        }),
        nbformat.v4.new_output("display_data", data={
            "text/html": report.format_table(pd.DataFrame({"a": [1]}), "T"),
            "text/plain": "T",
        }),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\n{summary} Second sentence."), cell]
    nbformat.write(nb, folder / f"{name}.ipynb")


@pytest.fixture
def issue_dir(tmp_path: Path) -> Path:
    _executed(tmp_path, "01_quarterly_seizures", "Seizures in Central Asia",
              "How much was seized?", "reconstructed")
    _executed(tmp_path, "02_drug_market", "The drug market <script>alert(1)</script>",
              "Which drugs, over time?", "official")
    _executed(tmp_path, "12_new_analysis", "A new analysis", "Something new.", "estimate")
    figures = {**SEIZURE_FIGURES, "02_drug_market_x": {"value": 1, "notebook": "02_drug_market"}}
    (tmp_path / "figures.json").write_text(json.dumps({"issue": "2017-Q2", "figures": figures}))
    return tmp_path


RENDERED = [
    Rendered("01_quarterly_seizures", "Seizures in Central Asia", "01_quarterly_seizures.html"),
    Rendered("02_drug_market", "The drug market <script>alert(1)</script>", "02_drug_market.html"),
    Rendered("12_new_analysis", "A new analysis", "12_new_analysis.html"),
]


def test_front_page_from_the_rendered_analyses(issue_dir: Path):
    html_text = pages.index_page(Quarter(2017, 2), RENDERED, "made by test", issue_dir=issue_dir)
    assert "<title>Milestones — April-June 2017</title>" in html_text
    assert "(issue 2017-Q2)" in html_text
    points = re.findall(r'<span class="main-point">(.*?)</span>', html_text)
    assert points == [C1_SENTENCE]
    for analysis in RENDERED:
        assert f'href="{analysis.html_name}"' in html_text
    assert "How much was seized?</p>" in html_text and "Second sentence" not in html_text
    assert "Something new." in html_text  # an analysis with no main point still appears
    assert "<h3>Further analyses</h3>" in html_text  # ... in a section even without a number
    statuses = re.findall(r'Data: <span class="status status-(\w+)">([^<]+)</span>', html_text)
    assert statuses == [("reconstructed", "reconstructed"), ("official", "official"),
                        ("estimate", "estimate")]
    assert "one table" in html_text
    assert "made by test" in html_text
    assert "<script" not in html_text and "The drug market &lt;script&gt;" in html_text
    assert '<li value="12" data-analysis="12_new_analysis">' in html_text


def test_front_page_without_the_issue_folder_still_lists_every_analysis():
    rendered = [Rendered(r.name, r.title, r.html_name, [{"status": "official", "value": 1}])
                for r in RENDERED]
    html_text = pages.index_page(Quarter(2017, 2), rendered, "footer")
    assert all(f'href="{r.html_name}"' in html_text for r in RENDERED)
    assert "Main points" not in html_text  # no figure names: no main points, and no guess
    assert html_text.count('Data: <span class="status status-official">official') == 3


def test_front_page_takes_figures_by_name():
    rendered = [RENDERED[0]]
    html_text = pages.index_page(Quarter(2017, 2), rendered, "", figures=SEIZURE_FIGURES)
    assert C1_SENTENCE in html_text


def _f(value, period, status="official", unit=""):
    return {"value": value, "period": period, "status": status, "unit": unit}


# (main point, its figures, the sentence): each analysis's point in the bulletin's words.
POINT_CASES = [
    (
        front_page.drug_market_point,
        {"market_heroin_peak_years": _f("2003-2004", "1990-2016"),
         "market_opium_peak_years": _f("1990-2000", "1990-2016"),
         "market_cannabis_share_pct": _f(92.49, "2016")},
        "Heroin seizures in Central Asia peaked in 2003-2004 and opium seizures in 1990-2000; in "
        "2016, cannabis-type drugs made up about 92% of all drugs seized.",
    ),
    (
        front_page.cannabis_point,
        {"cannabis_share_first_pct": _f(64.6, "2001"), "cannabis_share_pct": _f(90.5, "2016")},
        "The share of cannabis-type drugs in all drugs seized increased from 65% in 2001 to 91% in "
        "2016.",
    ),
    (
        front_page.heroin_point,
        {"heroin_years_russia_higher": _f(7, "2010-2016"),
         "heroin_years_compared": _f(7, "2010-2016")},
        "The Russian Federation seized more heroin than the five countries of Central Asia "
        "together in every year of 2010-2016.",
    ),
    (
        front_page.heroin_point,
        {"heroin_years_russia_higher": _f(5, "2010-2016"),
         "heroin_years_compared": _f(6, "2010-2016")},
        "The Russian Federation seized more heroin than the five countries of Central Asia "
        "together in five of the six years of 2010-2016 with figures for both.",
    ),
    (
        front_page.routes_point,
        {"routes_new_legs": _f(0, "2012-01/2017-06 against 2006-01/2011-12"),
         "routes_afghan_cannabis_share_tjk_pct": _f(81.2, "2012-01/2017-06"),
         "routes_afghan_cannabis_share_uzb_pct": _f(66.0, "2012-01/2017-06")},
        "No new trafficking route appeared in the seizure cases of 2012-June 2017; Afghanistan was "
        "the origin of about 81% of the cannabis seized in Tajikistan and 66% in Uzbekistan.",
    ),
    (
        front_page.routes_point,
        {"routes_new_legs": _f(2, "2016-04/2017-03 against 2012-01/2015-12"),
         "routes_afghan_cannabis_share_tjk_pct": _f(None, "2016-04/2017-03")},
        "Two new trafficking route legs appeared in the seizure cases of April 2016-March 2017.",
    ),
    (
        front_page.drug_crime_point,
        {"crime_offences_total": _f(13588, "2016"), "crime_selling_share_pct": _f(46.2, "2016")},
        "In 2016, almost 13,600 drug-related offences were reported in Central Asia, about 46% of "
        "them linked to selling drugs.",
    ),
    (
        front_page.drug_crime_point,
        {"crime_offences_total": _f(13600, "2016")},
        "In 2016, 13,600 drug-related offences were reported in Central Asia.",
    ),
    (
        front_page.arrests_point,
        {"arrests_persons_total": _f(12391, "2016"),
         "arrests_women_mean_share_pct": _f(6.98, "2010-2016")},
        "In 2016, almost 12,400 people were arrested for drug-related crime in Central Asia; women "
        "were about 7% of those arrested on average over 2010-2016.",
    ),
    (
        front_page.crime_statistics_point,
        {"crimestats_official_cells_pct": _f(12.3, "2010-2023"),
         "crimestats_indicators": _f(18, "2010-2023"),
         "crimestats_countries_without_official_sdg16": _f(4, "2010-2023")},
        "Official figures fill about 12% of the country-years of 18 crime indicators over "
        "2010-2023; four of the five countries have no official SDG 16 figures.",
    ),
    (
        front_page.gender_based_violence_point,
        {"gbv_crisis_centre_clients_2015": _f(14467, "2015"),
         "gbv_crisis_centre_clients_change_2010_2015_pct": _f(26.1, "2010-2015")},
        "In Kyrgyzstan, 14,467 people turned to crisis centres and other institutions for help in "
        "2015, a 26 per cent increase from 2010.",
    ),
    (
        front_page.women_in_policing_point,
        {"policing_women_share_pct": _f(5.9, "2016"),
         "policing_female_officers_trained": _f(200, "2017", unit="officers")},
        "In 2016, 5.9% of certified police officers in Kyrgyzstan were women; 200 female police "
        "officers received training.",
    ),
    (
        front_page.activities_point,
        {"milestones_activities": _f(7, "2017-Q2"),
         "milestones_participants_total": _f(499, "2017-Q2", unit="participants (>=: a floor)"),
         "milestones_countries_taking_part": _f(14, "2017-Q2")},
        "Seven activities of the quarter brought together at least 499 participants from 14 "
        "countries.",
    ),
]


@pytest.mark.parametrize(
    ("write", "figures", "expected"), POINT_CASES, ids=[c[0].__name__ for c in POINT_CASES]
)
def test_each_main_point_in_the_bulletins_words(write, figures, expected):
    assert write(figures) == expected


def test_every_registered_main_point_is_found_by_its_figures():
    for point in front_page.MAIN_POINTS:
        case = next((c for c in POINT_CASES if c[0] is point.write), None)
        figures = case[1] if case else SEIZURE_FIGURES
        assert set(point.figures) <= set(figures), point.write.__name__
        tagged = {name: {**record, "notebook": "nb"} for name, record in figures.items()}
        assert front_page.main_point("nb", tagged)[0] == point.write(figures)
