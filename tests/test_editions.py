"""The country editions' library on small frames: a country's figure, rank, share and coverage
(bulletin.analyses.editions), their words (bulletin.publish.editions), the edition's masthead
(bulletin.publish.masthead) and front page (bulletin.publish.front_page)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from bulletin.analyses import country_views, editions
from bulletin.analyses.indicators import FEMALE, WOMEN_SHARE
from bulletin.core.periods import Quarter
from bulletin.publish import editions as words
from bulletin.publish.front_page import front_page
from bulletin.publish.masthead import masthead_html, stamp_edition

ROWS = pd.DataFrame({
    "country": ["KAZ", "KGZ", "TJK", "TJK", "UZB", "KAZ", "TJK", "TKM"],
    "year": [2016, 2016, 2016, 2016, 2016, 2015, 2015, 2015],
    "kg": [3000.0, 500.0, 900.0, 100.0, 1500.0, 2000.0, 800.0, 50.0],
    "status": ["official", "official", "official", "reconstructed", "official", "official",
               "official", "official"],
    "source": ["a", "a", "a", "b", "a", "a", "a", "a"],
})
VALUES = editions.values_by_country(ROWS, "kg", scale=0.001)


def test_values_by_country_sums_a_country_year_and_joins_its_statuses() -> None:
    tjk = VALUES[(VALUES["country"] == "TJK") & (VALUES["period"] == "2016")].iloc[0]
    assert tjk["value"] == pytest.approx(1.0)
    assert tjk["status"] == "official+reconstructed"
    assert tjk["source"] == ("a", "b")


def test_the_region_has_no_view() -> None:
    assert editions.country_view(VALUES, "", "x_t", "seizures", "t", [2015, 2016]) is None
    assert editions.key_figures(None) == []


def test_a_notebook_asked_for_a_country_outside_the_five_refuses_it_by_name() -> None:
    """papermill -p country FRA: refused as ``bulletin render --country FRA`` refuses it.

    It rendered a France edition ("France reports no figures ...") from the five's data.
    """
    with pytest.raises(ValueError, match=r"country 'FRA' is not one of the bulletin's countries "
                                         r"\(KAZ Kazakhstan, KGZ Kyrgyzstan, .*UZB Uzbekistan\)"):
        editions.country_view(VALUES, "FRA", "x_t", "seizures", "t", [2015, 2016])
    from bulletin.analyses.by_country import countries_shown

    with pytest.raises(ValueError, match="'RUS' is not one of the bulletin's countries"):
        countries_shown("RUS")  # the notebooks bulletin new scaffolds
    assert countries_shown("kgz") == ("KGZ",)


def test_a_country_code_in_lower_case_is_its_edition() -> None:
    view = editions.country_view(VALUES, " tjk", "seizures_t", "drug seizures", "t", [2015, 2016])
    assert view.country == "TJK" and view.record["name"] == "tjk_seizures_t"
    assert view.record["value"] == pytest.approx(1.0)


def test_a_country_gets_its_figure_rank_share_and_the_region_beside_it() -> None:
    view = editions.country_view(VALUES, "TJK", "seizures_t", "drug seizures", "t", [2015, 2016])
    record = view.record
    assert record["name"] == "tjk_seizures_t"  # never the regional figure's name
    assert record["value"] == pytest.approx(1.0)
    total = 3.0 + 0.5 + 1.0 + 1.5
    assert record["region_value"] == pytest.approx(total)
    assert record["share_pct"] == pytest.approx(round(100 * 1.0 / total, 2))
    assert (record["rank"], record["of"]) == (3, 4)  # KAZ 3.0, UZB 1.5, TJK 1.0, KGZ 0.5
    assert (record["periods_shown"], record["periods_reported"], record["periods_official"]) == (2, 2, 1)
    assert record["status"] == "official+reconstructed"
    assert view.sources == ["a", "b"]
    table = editions.standing_table(view)
    assert table["Rank among the countries reporting"].tolist() == ["2 of 3", "3 of 4"]
    assert table["Region (the five)"].tolist() == pytest.approx([2.85, total])


def test_a_country_without_a_figure_for_the_period_is_said_plainly() -> None:
    view = editions.country_view(VALUES, "TKM", "seizures_t", "drug seizures", "t", [2015, 2016])
    assert view.record["value"] is None and not view.has_figure
    assert "rank" not in view.record
    sentence = words.standing_sentence(view.record)
    assert sentence == (
        "Turkmenistan reports no figures of drug seizures for 2016 (its latest are for 2015): "
        "this page shows no chart for it."
    )
    assert words.standing_sentence(view.record, page=False).endswith("(its latest are for 2015).")
    assert words.coverage_sentence(view.record) == (
        "Turkmenistan has figures for one of the two years 2015-2016, all of them official."
    )


def test_the_standing_sentence_says_the_country_rank_share_and_region() -> None:
    view = editions.country_view(VALUES, "KAZ", "seizures_t", "drug seizures", "t", [2016])
    assert words.standing_sentence(view.record) == (
        "Kazakhstan's drug seizures, 2016: 3 t, the largest of the four countries reporting, "
        "50% of the region's 6 t."
    )


def test_a_figure_flagged_on_import_is_said_to_be_so_in_the_edition() -> None:
    """Kyrgyzstan's edition of 2017-Q2 put its 17,694 persons arrested in 2016 first, with no word
    of the flag the page carries (8,841 for trafficking against 1,259 the year before)."""
    rows = pd.DataFrame({"country": ["KGZ", "KGZ", "UZB"], "year": [2015, 2016, 2016],
                         "sex": "total", "age_group": "total", "count": [1259, 17694, 4726],
                         "source": "s", "status": "official"})
    flag = {"key": {"country": "KGZ", "year": 2016, "offence_type": "trafficking"},
            "values": {"total": 8841}, "reason": "more than five times its neighbours"}
    view = country_views.arrests(rows, 2015, 2016, "KGZ", [flag])
    assert view.record["flagged"] is True
    assert words.standing_sentence(view.record) == (
        "Kyrgyzstan's persons arrested for drug-related crime, 2016: 17,694 persons (flagged as "
        "implausible when imported, kept as published), the largest of the two countries "
        "reporting, about 79% of the region's 22,420 persons.")
    for country, flags in (("UZB", [flag]), ("KGZ", [{**flag, "key": {**flag["key"], "year": 2015}}]),
                           ("KGZ", [])):
        assert "flagged" not in country_views.arrests(rows, 2015, 2016, country, flags).record
    # papermill -p country kgz: the same edition, the flag said alike
    assert country_views.arrests(rows, 2015, 2016, "kgz", [flag]).record["flagged"] is True


def test_kyrgyzstan_s_own_page_is_its_edition_however_its_code_is_written() -> None:
    rows = pd.DataFrame({"country": "KGZ", "year": [2015, 2016], "indicator": WOMEN_SHARE,
                         "disaggregation": FEMALE, "value": [5.5, 5.9], "source": "s",
                         "status": "stated"})
    assert country_views.women_in_policing(rows, 2016, "kgz").record.get("instead") is None
    assert "the only one of the five" in country_views.women_in_policing(rows, 2016, "tjk").record[
        "instead"]


def test_shares_have_no_regional_total() -> None:
    shares = pd.DataFrame({"country": ["KGZ"], "period": ["2016"], "value": [5.9],
                           "status": ["stated"], "source": [()]})
    view = editions.country_view(shares, "KGZ", "women_pct", "women among officers", "%", [2016],
                                 additive=False)
    assert "share_pct" not in view.record and "region_value" not in view.record
    assert words.standing_sentence(view.record) == (
        "Kyrgyzstan's women among officers, 2016: 5.9% (stated in the bulletin, not official), "
        "the only one of the five countries reporting."
    )


def test_reporting_summary_counts_what_the_country_reports() -> None:
    records = {
        "01": {"what": "drug seizures", "value": None, "periods_shown": 5, "periods_reported": 4,
               "periods_official": 0},
        "06": {"what": "drug-related offences", "value": 685, "periods_shown": 7,
               "periods_reported": 7, "periods_official": 4},
    }
    text = words.reporting_summary(records, "TKM")
    assert text.startswith("Turkmenistan has a figure for the latest period of one of the two "
                           "analyses by country; none for the drug seizures.")
    assert "a figure for 11 (about 92%) and an official one for 4 (about 33%)" in text
    # Not "in zero of the two analyses", nor "in two of the two".
    nothing = {k: {**r, "value": None} for k, r in records.items()}
    assert words.reporting_summary(nothing, "TKM").startswith(
        "Turkmenistan has no figure for the latest period of any of the two analyses by country: "
        "drug seizures and drug-related offences.")
    every = {k: {**r, "value": 1} for k, r in records.items()}
    assert words.reporting_summary(every, "TKM").startswith(
        "Turkmenistan has a figure for the latest period of both analyses by country.")
    assert words.reporting_summary({"06": every["06"]}, "TKM").startswith(
        "Turkmenistan has a figure for the latest period of the analysis by country. Of the 7 years "
        "and quarters that analysis shows")


def test_the_masthead_and_title_name_the_edition_and_a_regional_page_is_restamped() -> None:
    page = f"<html><title>Routes</title>{masthead_html('2017-Q2', 'Trafficking')}</html>"
    assert "edition" not in page
    tjk = stamp_edition(page, "TJK")
    assert "<title>Routes — Tajikistan edition</title>" in tjk
    assert '</a><span class="edition"> — Tajikistan edition</span>' in tjk
    assert stamp_edition(stamp_edition(tjk, "TKM"), "TKM").count("edition</span>") == 1
    assert "Turkmenistan edition" in stamp_edition(tjk, "TKM") and "Tajikistan" not in stamp_edition(tjk, "TKM")
    assert stamp_edition(tjk, None) == page
    assert "— Kyrgyzstan edition" in masthead_html("2017-Q2", "", "KGZ")


def test_a_country_front_page_names_it_and_puts_its_points_first() -> None:
    figures = {
        "routes_legs": {"value": 3, "unit": "legs", "period": "2016", "status": "official",
                        "notebook": "05_trafficking_routes"},
        "tjk_crime_offences_total": {
            "value": 640, "unit": "offences", "period": "2016", "status": "official",
            "notebook": "06_drug_crime", "country": "TJK", "what": "drug-related offences",
            "rank": 5, "of": 5, "share_pct": 4.7, "region_value": 13575, "periods_shown": 7,
            "periods_reported": 7, "periods_official": 7,
        },
    }
    recorded = {n: [{"name": k, **v} for k, v in figures.items() if v["notebook"] == n]
                for n in ("05_trafficking_routes", "06_drug_crime")}  # as the analyses record them
    rendered = [SimpleNamespace(name=n, title=t, html_name=f"{n}.html", figures=recorded[n])
                for n, t in (("05_trafficking_routes", "Routes"), ("06_drug_crime", "Drug crime"))]
    page = front_page(Quarter.parse("2017Q2"), rendered, "", country="TJK")
    assert "<title>Milestones — Tajikistan edition — April-June 2017</title>" in page
    assert "Tajikistan&#39;s drug-related offences, 2016: 640 offences, the smallest" in page
    assert "The region&#39;s pages, the same in every edition: Routes." in page
    region = front_page(Quarter.parse("2017Q2"), rendered, "")
    assert "<title>Milestones — April-June 2017</title>" in region
    assert 'class="edition' not in region.split("</style>")[1]
    assert "Tajikistan" not in region


def test_a_country_without_a_figure_gets_no_status_of_the_region() -> None:
    """Found on the Uzbek edition's front page: "Uzbekistan reports no figures of victims of
    domestic violence for 2016" carried the badge "official" (the region's status)."""
    figures = {
        "uzb_gbv_dv_victims_total": {
            "value": None, "unit": "persons", "period": "2016", "status": "",
            "notebook": "09_gender_based_violence", "country": "UZB",
            "what": "victims of domestic violence", "periods_shown": 7, "periods_reported": 0,
            "periods_official": 0, "period_span": "2010-2016", "period_word": "year",
            "last_reported": None,
        },
    }
    rendered = [SimpleNamespace(name="09_gender_based_violence", title="GBV",
                                html_name="09_gender_based_violence.html",
                                figures=[{"name": k, **v} for k, v in figures.items()])]
    page = front_page(Quarter.parse("2017Q2"), rendered, "", country="UZB")
    point = page[page.index("Uzbekistan reports no figures"):]
    point = point[: point.index("</li>")]
    assert ">no figure</span>" in point and "official" not in point


def test_a_country_view_without_a_figure_has_no_status() -> None:
    shares = pd.DataFrame({"country": ["KGZ"], "period": ["2016"], "value": [5.9],
                           "status": ["stated"], "source": [()]})
    view = editions.country_view(shares, "UZB", "women_pct", "women among officers", "%", [2016],
                                 additive=False)
    assert view.record["value"] is None
    assert view.record["status"] == ""  # not Kyrgyzstan's "stated"
