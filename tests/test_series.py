"""bulletin.analyses.series: figures by country and year, shared by the analyses and the reconstructions."""

import pandas as pd
import pytest

from bulletin.analyses import series


def totals(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["country", "year", "count", "status"])


def test_regional_by_year_sums_the_countries_and_leaves_a_year_without_rows_missing():
    by_year = series.regional_by_year(
        totals([("KAZ", 2015, 10, "official"), ("KGZ", 2015, 5, "reconstructed"), ("KAZ", 2016, 7, "official")]),
        2014,
        2016,
    )
    assert by_year["year"].tolist() == [2014, 2015, 2016]
    assert pd.isna(by_year.loc[0, "count"])  # missing, never a zero
    assert by_year["count"].tolist()[1:] == [15, 7]
    assert by_year["countries_reporting"].tolist() == [0, 2, 1]
    assert by_year["status"].tolist()[1:] == ["official+reconstructed", "official"]


def test_counts_by_year_leaves_out_missing_counts():
    frame = pd.DataFrame({"year": [2014, 2015, 2016], "count": [3.0, None, 5.0]})
    assert series.counts_by_year(frame) == {2014: 3.0, 2016: 5.0}


def test_joined_values_sorted_distinct_and_without_missing():
    assert series.joined_values(pd.Series(["stated", "official", None, "official"])) == "official+stated"
    assert series.joined_values(pd.Series([], dtype=object)) == ""


def test_rows_in_period_keeps_the_five_and_the_years():
    table = pd.DataFrame({"country": ["KAZ", "RUS", "TJK", "UZB"], "year": [2010, 2012, 2013, 2020]})
    kept = series.rows_in_period(table, 2010, 2016)
    assert kept["country"].tolist() == ["KAZ", "TJK"]


def test_country_year_totals_take_the_total_line_or_the_sum_of_types():
    offences = pd.DataFrame(
        {
            "country": ["KAZ", "KAZ", "KGZ", "KGZ"],
            "year": [2016] * 4,
            "offence_type": ["total", "trafficking", "trafficking", "use_possession"],
            "count": [100, 100, 20, 30],
            "status": ["official"] * 4,
            "source": ["A"] * 4,
        }
    )
    found = series.country_year_totals(offences).set_index("country")["count"]
    assert found.to_dict() == {"KAZ": 100, "KGZ": 50}


def test_country_year_totals_refuse_a_total_that_contradicts_its_types():
    offences = pd.DataFrame(
        {
            "country": ["KAZ", "KAZ"],
            "year": [2016, 2016],
            "offence_type": ["total", "trafficking"],
            "count": [100, 90],
            "status": ["official"] * 2,
            "source": ["A"] * 2,
        }
    )
    with pytest.raises(ValueError, match="KAZ 2016"):
        series.country_year_totals(offences)
