"""bulletin.analyses.seizures (analysis 1) on tiny inline frames."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.analyses import seizures
from bulletin.core.periods import Quarter

Q1_2017 = Quarter(2017, 1)


def frame(rows: list[tuple]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["country", "year", "quarter", "drug", "kg"])
    return table.assign(source="test (claims C1-C19)", status="reconstructed")


@pytest.fixture
def quarterly() -> pd.DataFrame:
    return frame(
        [
            ("KAZ", 2017, 1, "cannabis_herb", 3000.0),
            ("KGZ", 2017, 1, "cannabis_resin", 750.0),
            ("TJK", 2017, 1, "heroin", 500.0),
            ("UZB", 2017, 1, "opium", 750.0),
            ("TKM", 2017, 1, "ats", 10.0),
            ("RUS", 2017, 1, "heroin", 900.0),  # not Central Asia: never counted
            ("KAZ", 2016, 4, "cannabis_herb", 6000.0),
            ("KAZ", 2016, 1, "cannabis_herb", 4000.0),
            ("TJK", 2016, 1, "heroin", 1250.0),
        ]
    )


def test_rows_of_quarter_keeps_the_five_countries(quarterly):
    rows = seizures.rows_of_quarter(quarterly, Q1_2017)
    assert sorted(rows["country"]) == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]


def test_tons_by_country_and_category(quarterly):
    table = seizures.tons_by_country_and_category(seizures.rows_of_quarter(quarterly, Q1_2017))
    kazakhstan = table.set_index("Country").loc["Kazakhstan"]
    assert kazakhstan["Marijuana (cannabis herb)"] == 3.0
    # Kazakhstan has no heroin row: not reported, so missing (shown as "–"), never a zero
    assert pd.isna(kazakhstan["Heroin"])
    total = table.set_index("Country").loc["Central Asia"]
    assert total["Other drugs"] == pytest.approx(0.01)
    assert total.sum() == pytest.approx(5.01)


def test_a_reported_zero_stays_zero_and_a_category_nobody_reported_stays_missing(quarterly):
    rows = seizures.rows_of_quarter(quarterly, Q1_2017)
    rows = pd.concat([rows, rows.iloc[[0]].assign(drug="heroin", kg=0.0)], ignore_index=True)
    table = seizures.tons_by_country_and_category(rows).set_index("Country")
    assert table.loc["Kazakhstan", "Heroin"] == 0.0
    assert pd.isna(table.loc["Kyrgyzstan", "Heroin"])
    assert table.loc["Central Asia", "Heroin"] == pytest.approx(0.5)
    # no country reported cannabis herb but Kazakhstan: the region adds what was reported
    assert table.loc["Central Asia", "Marijuana (cannabis herb)"] == 3.0


def test_group_totals_and_changes(quarterly):
    table = seizures.group_totals_with_changes(quarterly, Q1_2017).set_index("drug_group")
    assert table.loc["cannabis", "quarter"] == pytest.approx(3.75)
    assert table.loc["cannabis", "previous_quarter"] == pytest.approx(6.0)
    assert table.loc["cannabis", "change_vs_previous_pct"] == pytest.approx(-37.5)
    assert table.loc["opiates", "change_vs_year_before_pct"] == pytest.approx(0.0)
    # no opiates at all in 2016-Q4: no base to compare with, not a change from zero
    assert pd.isna(table.loc["opiates", "previous_quarter"])
    assert pd.isna(table.loc["opiates", "change_vs_previous_pct"])


def test_comparison_quarter_without_any_rows_is_missing_not_zero(quarterly):
    table = seizures.group_totals_with_changes(quarterly, Quarter(2016, 4)).set_index("drug_group")
    assert table["year_before"].isna().all()


def test_headline_follows_the_numbers(quarterly):
    rows = seizures.rows_of_quarter(quarterly, Q1_2017).assign(status="official")
    assert seizures.headline(rows, Q1_2017) == (
        "Almost four tons of marijuana and hashish and over one ton of heroin and opium were "
        "seized in five countries of Central Asia in January-March 2017."
    )
    heavier = rows.assign(kg=rows["kg"] * 1.1)
    assert seizures.headline(heavier, Q1_2017).startswith("Over four tons")
    some = rows.assign(status=["reconstructed"] + ["official"] * (len(rows) - 1))
    assert seizures.headline(some, Q1_2017).endswith(
        "Some of these figures are reconstructed by this project, not official.")


def test_headline_never_words_reconstructed_figures_as_a_finding(quarterly):
    rows = seizures.rows_of_quarter(quarterly, Q1_2017)
    assert seizures.headline(rows, Q1_2017) == (
        "No seizure figures are published by quarter. The January-March 2017 figures here are "
        "reconstructed from the bulletin's own statements and the official annual figures, not "
        "measured: they give almost four tons of marijuana and hashish and over one ton of heroin "
        "and opium for five countries, the bulletin's statement given back."
    )


def test_headline_gives_the_statement_back_only_for_the_statements_quarter(quarterly):
    # 2016-Q4 rows split an official year alone: no statement of the bulletin behind them.
    alone = seizures.rows_of_quarter(quarterly, Quarter(2016, 4)).assign(source="official year split")
    said = seizures.headline(alone, Quarter(2016, 4))
    assert "The October-December 2016 figures here are reconstructed from the official annual " \
        "figures, split across the quarters by an assumed seasonal profile, not measured" in said
    assert "statement" not in said and "January-March 2017" not in said
    # Another quarter of the statement's year shares what the year leaves: its source names C1.
    later = frame([("KAZ", 2017, 3, "cannabis_herb", 2000.0)])
    said = seizures.headline(later, Quarter(2017, 3))
    assert "less what the bulletin's statement on another quarter of the year takes (claim C1)" in said
    assert not said.endswith("given back.")


def test_the_page_says_which_quarters_it_shows_from_the_issue():
    quarters = seizures.compared_quarters(Quarter(2017, 3))
    assert [q.label for q in quarters.values()] == ["2017-Q3", "2017-Q2", "2016-Q3"]
    assert seizures.period_sentence(Quarter(2016, 1)) == (
        "This issue (January-March 2016) reports the seizures of October-December 2015, the "
        "quarter before its own, and compares them with July-September 2015 and "
        "October-December 2014."
    )


def test_claim_c1_holds_and_fails(quarterly):
    claim = seizures.check_claim_c1(quarterly)
    assert claim["holds"] is True
    assert claim["values"] == {
        "cannabis_herb_resin_t": 3.75,
        "heroin_opium_t": 1.25,
        "countries_reporting": 5,
        "basis_rows": {"reconstructed_from_claim": 5},
    }
    four_countries = quarterly[quarterly["country"] != "TKM"]
    assert seizures.check_claim_c1(four_countries)["holds"] is False
    too_much = quarterly.assign(kg=quarterly["kg"] * 1.2)
    assert seizures.check_claim_c1(too_much)["holds"] is False


def test_claim_c1_basis_follows_the_rows_it_adds_up(quarterly):
    reconstructed = seizures.check_claim_c1(quarterly)
    assert reconstructed["basis"] == "reconstructed"
    assert reconstructed["verdict"].endswith(
        "Holds by construction: the figures were reconstructed from this statement.")
    official = seizures.check_claim_c1(quarterly.assign(status="official"))
    assert official["basis"] == "official" and official["holds"] is True
    assert official["verdict"].endswith("Checked against official figures.")
    mixed = quarterly.assign(status=["official"] * 2 + ["reconstructed"] * 7)
    assert seizures.check_claim_c1(mixed)["basis"] == "mixed"
    # a reconstruction that names only other claims is not made from C1: not evidence all the same
    other = quarterly.assign(source="reconstructed from the bulletin text (claims C2-C6)")
    claim = seizures.check_claim_c1(other)
    assert claim["basis"] == "reconstructed"
    assert "Not evidence" in claim["verdict"] and "C2, C3, C4, C5 and C6" in claim["verdict"]


def test_claim_c1_not_testable_without_the_quarter(quarterly):
    claim = seizures.check_claim_c1(quarterly[quarterly["year"] == 2016])
    assert claim["holds"] is None
    assert claim["verdict"].startswith(
        "Not testable on public data: the quarterly table has no figures for January-March 2017.")


def test_key_figures_none_for_empty_quarter(quarterly):
    assert seizures.key_figures(seizures.rows_of_quarter(quarterly, Quarter(2015, 1)), Q1_2017) == []
    names = [f["name"] for f in seizures.key_figures(seizures.rows_of_quarter(quarterly, Q1_2017), Q1_2017)]
    assert "seizures_quarter_cannabis_herb_resin_t" in names


def test_chart_has_title_units_and_status(quarterly):
    rows = seizures.rows_of_quarter(quarterly, Q1_2017)
    fig = seizures.plot_seizures_by_country(rows, title=f"Seizures in Central Asia ({Q1_2017.months})")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Seizures in Central Asia (January-March 2017)"
    assert ax.get_ylabel() == "Seizures (tons)"
    texts = " ".join(t.get_text() for t in fig.texts + ax.texts)
    assert "Source: test (claims C1-C19)." in texts
    assert "reconstructed" in texts
    assert all(patch.get_hatch() for patch in ax.patches if patch.get_height() > 0)
