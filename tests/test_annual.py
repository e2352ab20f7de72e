"""bulletin.analyses.annual (the annual seizures table, shared by analyses 2-4) and the wording of its
years, coverage and gaps, on tiny inline frames."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.analyses import annual
from bulletin.core.periods import Quarter
from bulletin.core.sentences import describe_coverage, describe_gaps
from bulletin.core.wording import describe_years
from bulletin.publish.charts import RECONSTRUCTED_HATCH, new_chart


def frame(rows: list[tuple], status: str = "official") -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["country", "year", "drug", "kg"])
    return table.assign(source="test", status=status)


@pytest.fixture
def seizures() -> pd.DataFrame:
    """Two years of the five (2020 reconstructed, 2021 official without Turkmenistan), a year
    without any figure (2022), and the Russian Federation, which is never in the five."""
    rows_2020 = [(c, 2020, d, 100.0) for c in annual.CENTRAL_ASIA for d in ("heroin", "opium")]
    rows_2021 = [
        ("KAZ", 2021, "heroin", 10.0),
        ("KAZ", 2021, "opium", 20.0),
        ("KGZ", 2021, "heroin", 0.0),  # a reported zero is a figure
        ("TJK", 2021, "heroin", 30.0),  # no opium figure
        ("UZB", 2021, "heroin", 40.0),
        ("UZB", 2021, "opium", 50.0),
        ("KGZ", 2021, "opium", 5.0),
        ("RUS", 2021, "heroin", 999.0),
    ]
    return pd.concat(
        [frame(rows_2020, "reconstructed"), frame(rows_2021)], ignore_index=True
    )


OPIATES = annual.Selection(("heroin", "opium"), 2020, 2022)


@pytest.mark.parametrize(
    ("issue", "last_year", "expected"),
    [("2017Q2", 0, 2016), ("2017Q1", 0, 2015), ("2017Q4", 0, 2016), ("2023Q2", 0, 2022),
     ("2017Q2", 2022, 2022)],
)
def test_last_data_year_follows_the_issue_unless_told(issue, last_year, expected):
    assert annual.last_data_year(Quarter.parse(issue), last_year) == expected


def test_last_data_year_refuses_a_negative_year():
    with pytest.raises(ValueError, match="0 to follow the issue"):
        annual.last_data_year(Quarter(2017, 2), -1)


def test_a_selection_refuses_reversed_years():
    with pytest.raises(ValueError, match="first year 2021 is after last year 2020"):
        annual.Selection(("heroin",), 2021, 2020)


def test_a_selection_keeps_tuples_and_is_frozen():
    shown = annual.Selection(["heroin", "opium"], 2020, 2022, countries=["KAZ", "RUS"])
    assert shown.drugs == ("heroin", "opium") and shown.countries == ("KAZ", "RUS")
    assert shown == annual.Selection(("heroin", "opium"), 2020, 2022, ("KAZ", "RUS"))
    assert list(shown.years) == [2020, 2021, 2022]
    assert annual.Selection(("heroin",), 2020, 2020).countries == annual.CENTRAL_ASIA
    with pytest.raises(AttributeError):
        shown.first_year = 2019


def test_a_selection_of_other_countries_keeps_its_drugs_and_years():
    russia = OPIATES.of(("RUS",))
    assert (russia.drugs, russia.years, russia.countries) == (
        OPIATES.drugs, OPIATES.years, ("RUS",)
    )


def test_a_selection_refuses_a_string_for_a_sequence():
    with pytest.raises(TypeError, match="sequence of drugs"):
        annual.Selection("heroin", 2020, 2022)
    with pytest.raises(TypeError, match="sequence of countries"):
        annual.Selection(("heroin",), 2020, 2022, countries="RUS")
    with pytest.raises(TypeError):
        annual.Selection(("heroin",), 2020.5, 2022)


def test_a_selection_takes_the_years_of_a_table_as_ints():
    years = pd.Series([2020, 2022])
    shown = annual.Selection(("heroin",), years.min(), years.max())
    assert (type(shown.first_year), type(shown.last_year)) == (int, int)


def test_select_rows_takes_the_selection(seizures):
    rows = annual.select_rows(seizures, annual.Selection(("heroin",), 2021, 2021, ("RUS", "KAZ")))
    assert rows[["country", "year", "drug"]].values.tolist() == [
        ["KAZ", 2021, "heroin"], ["RUS", 2021, "heroin"]
    ]


def test_regional_totals_count_the_countries_and_never_fill_zeros(seizures):
    totals = annual.regional_totals(seizures, OPIATES)
    expected = pd.DataFrame(
        {
            "year": [2020, 2020, 2021, 2021, 2022, 2022],
            "drug": ["heroin", "opium"] * 3,
            "kg": [500.0, 500.0, 80.0, 75.0, float("nan"), float("nan")],
            "countries": [5, 5, 4, 3, 0, 0],
            "of": [5] * 6,
            "status": ["reconstructed", "reconstructed", "official", "official", "", ""],
        }
    )
    pd.testing.assert_frame_equal(totals, expected, check_dtype=False)


def test_regional_totals_of_another_set_of_countries(seizures):
    russia = annual.regional_totals(seizures, annual.Selection(("heroin",), 2021, 2021, ("RUS",)))
    assert russia.loc[0, "kg"] == 999.0
    assert russia.loc[0, "of"] == 1


def test_coverage_by_year_names_the_missing(seizures):
    coverage = annual.coverage_by_year(seizures, OPIATES).set_index("year")
    assert coverage.loc[2020, "countries"] == 5 and coverage.loc[2020, "missing"] == ""
    assert coverage.loc[2021, "countries"] == 4
    assert coverage.loc[2021, "missing"] == "Turkmenistan"
    assert coverage.loc[2022, "countries"] == 0


def test_find_gaps_lists_countries_drugs_and_empty_years(seizures):
    gaps, empty = annual.find_gaps(seizures, OPIATES)
    assert gaps == [
        ("Tajikistan", "Opium", [2021]),
        ("Turkmenistan", annual.MISSING_COUNTRY, [2021]),
    ]
    assert empty == [2022]
    one_drug, _ = annual.find_gaps(seizures, annual.Selection(("heroin",), 2020, 2022))
    assert one_drug == [("Turkmenistan", "Heroin", [2021])]


def test_status_by_year(seizures):
    rows = annual.select_rows(seizures, annual.Selection(("heroin",), 2020, 2022))
    assert annual.status_by_year(rows, [2020, 2021, 2022]).tolist() == [
        "reconstructed",
        "official",
        "",
    ]


def test_chart_note_names_gaps_and_explains_the_marks(seizures):
    source, status, statuses = annual.chart_note(seizures, OPIATES)
    assert source == "Source: test."
    assert statuses == ["official", "reconstructed"]  # of the rows, never read from the words
    assert "reconstructed by this project" in status and "(2020)" in status
    assert "Missing, not counted as zero: Tajikistan, opium, 2021; Turkmenistan" in status
    assert "No figures at all for 2022." in status
    assert annual.coverage_note(5) in status and "n/5 above a year: figures for only n" in status
    _, complete, _ = annual.chart_note(seizures, annual.Selection(("heroin", "opium"), 2020, 2020))
    assert "Missing" not in complete and "n/5" not in complete


def test_table_note_comes_with_the_statuses_of_its_rows(seizures):
    note, statuses = annual.table_note(seizures, OPIATES)
    chart_source, chart_status, chart_statuses = annual.chart_note(seizures, OPIATES)
    # The chart's lines, but for the key to its coverage marks: a table has no such marks.
    key = " " + annual.coverage_note(5)
    assert key in chart_status and "n/5 above a year" in key and "n/5 above" not in note
    assert note.startswith(f"{chart_source} {chart_status.replace(key, '')}")
    rows = annual.select_rows(seizures, OPIATES)
    assert statuses == chart_statuses == sorted(set(rows["status"]))


def test_stacked_years_hatch_reconstructed_and_mark_gaps(seizures):
    totals = annual.regional_totals(seizures, OPIATES)
    table = totals.pivot(index="year", columns="drug", values="kg")
    coverage = annual.coverage_by_year(seizures, OPIATES)
    statuses = ["reconstructed", "official", ""]
    fig, ax = new_chart()
    handles = annual.draw_stacked_years(
        ax, table, ["C0", "C1"], statuses, coverage["countries"].tolist(), 5
    )
    assert [h.get_label() for h in handles] == ["heroin", "opium"]
    assert all(not h.get_hatch() for h in handles)  # the legend shows the colours plainly
    hatched = {round(p.get_x() + p.get_width() / 2) for p in ax.patches if p.get_hatch()}
    assert hatched == {2020}
    assert all(p.get_hatch() == RECONSTRUCTED_HATCH for p in ax.patches if p.get_hatch())
    texts = [t.get_text() for t in ax.texts]
    assert "4/5" in texts and "no data" in texts
    assert texts.count("4/5") == 1


def test_status_legend_tells_official_from_reconstructed():
    official, reconstructed = annual.status_legend_handles()
    assert official.get_label() == "official" and not official.get_hatch()
    assert "reconstructed" in reconstructed.get_label() and reconstructed.get_hatch()


def test_label_years_keeps_first_and_last_of_long_spans():
    fig, ax = new_chart()
    annual.label_years(ax, list(range(2001, 2023)))
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["2001", "2005", "2010", "2015", "2022"]
    annual.label_years(ax, list(range(1990, 2017)))
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["1990", "1995", "2000", "2005", "2010", "2016"]
    annual.label_years(ax, list(range(2010, 2017)))
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(y) for y in range(2010, 2017)]


# --- wording of years, coverage and gaps -------------------------------------------------------

@pytest.mark.parametrize(
    ("years", "expected"),
    [([2016], "2016"), ([2004, 2003], "2003-2004"), ([2012, 2014, 2015, 2016], "2012, 2014-2016"),
     ([1990, 1990, 1991], "1990-1991")],
)
def test_describe_years(years, expected):
    assert describe_years(years) == expected


def test_describe_years_refuses_nothing():
    with pytest.raises(ValueError, match="at least one year"):
        describe_years([])


@pytest.mark.parametrize(
    ("covered", "of", "expected"),
    [(5, 5, "all five countries"), (4, 5, "four of the five countries"),
     (0, 5, "none of the five countries"), (1, 1, "the country")],
)
def test_describe_coverage(covered, of, expected):
    assert describe_coverage(covered, of) == expected


@pytest.mark.parametrize(("covered", "of"), [(6, 5), (-1, 5)])
def test_describe_coverage_refuses_impossible_counts(covered, of):
    with pytest.raises(ValueError, match="number of countries"):
        describe_coverage(covered, of)


def test_describe_gaps():
    gaps = [("Tajikistan", "Cannabis herb (marijuana)", [2018, 2020])]
    assert describe_gaps(gaps, []) == (
        "Missing, not counted as zero: Tajikistan, cannabis herb (marijuana), 2018, 2020."
    )
    assert describe_gaps([], [2017, 2018]) == "No figures at all for 2017-2018."
    assert describe_gaps([], []) == ""
