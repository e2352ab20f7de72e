"""bulletin.analyses.cannabis (analysis 3) on tiny inline frames, with the wording of shares and of who
seizes the herb."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.analyses import cannabis
from bulletin.core.periods import Quarter
from bulletin.core.sentences import describe_leaders, describe_share_change

FIVE = ("KAZ", "KGZ", "TJK", "TKM", "UZB")


def frame(rows: list[tuple]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["country", "year", "drug", "kg", "source", "status"])
    # Test rows rest on every statement: a reconstructed one is then "from this statement".
    return table.assign(source=table["source"] + " (claims C1-C19)")


def year_rows(year: int, status: str, herb: dict[str, float], resin: float = 10.0,
              heroin: float = 5.0, opium: float = 5.0, poppy: float = 0.0) -> list[tuple]:
    rows = []
    for country, kg in herb.items():
        rows += [(country, year, "cannabis_herb", kg, "test", status),
                 (country, year, "cannabis_resin", resin, "test", status),
                 (country, year, "heroin", heroin, "test", status),
                 (country, year, "opium", opium, "test", status)]
        if poppy:
            rows.append((country, year, "poppy_straw", poppy, "test", status))
    return rows


HERB = {"KAZ": 700.0, "KGZ": 100.0, "TJK": 80.0, "TKM": 20.0, "UZB": 100.0}


@pytest.fixture
def seizures() -> pd.DataFrame:
    rows = year_rows(2001, "reconstructed", {c: 100.0 for c in FIVE}, resin=30.0, heroin=40.0,
                     opium=30.0)  # 130 of 200 per country: 65%
    for year in range(2012, 2017):
        rows += year_rows(year, "official", HERB, poppy=10.0)
    rows += year_rows(2018, "official", {c: v for c, v in HERB.items() if c != "TKM"})
    rows += [("KAZ", 2016, "cannabis_plants", 99999.0, "test", "official"),
             ("RUS", 2016, "cannabis_herb", 99999.0, "test", "official")]
    return frame(rows)


def test_cannabis_by_country_in_tons_missing_not_zero(seizures):
    table = cannabis.cannabis_by_country(seizures, 2016, 2018).set_index("year")
    assert table.loc[2016, "KAZ"] == pytest.approx(0.71)
    assert table.loc[2016, "TKM"] == pytest.approx(0.03)
    assert pd.isna(table.loc[2018, "TKM"]) and table.loc[2018, "countries"] == 4
    assert table.loc[2017, list(FIVE)].isna().all() and table.loc[2017, "countries"] == 0
    assert "RUS" not in table.columns


def test_share_on_the_page_definition_and_with_poppy(seizures):
    shares = cannabis.cannabis_share(seizures, 2001, 2016).set_index("year")
    assert shares.loc[2001, "share_pct"] == pytest.approx(65.0)
    # 2016: herb 1000 + resin 50 of 1050 + heroin 25 + opium 25
    assert shares.loc[2016, "share_pct"] == pytest.approx(1050 / 1100 * 100)
    assert shares.loc[2016, "status"] == "official"
    assert pd.isna(shares.loc[2005, "share_pct"]) and shares.loc[2005, "countries"] == 0
    narrow, wide = cannabis.definition_effect(seizures, 2016)
    assert narrow == pytest.approx(1050 / 1100 * 100)
    assert wide == pytest.approx(1050 / 1150 * 100)


def test_a_first_year_before_any_figure_starts_the_page_at_the_first_figure(seizures):
    # The fixture's first figures are of 2001 (RUS's and the plants' rows do not count).
    early = pd.concat([seizures, frame([("RUS", 1995, "heroin", 5.0, "test", "official"),
                                        ("KAZ", 1996, "cannabis_plants", 5.0, "test", "official")])])
    issue = Quarter(2017, 2)
    assert cannabis.years_shown(early, issue, 1800) == (2001, 2016)
    assert cannabis.years_shown(early, issue) == (2001, 2016)
    assert cannabis.years_shown(early, issue, 2013, 2018) == (2013, 2018)
    assert cannabis.years_shown(early.iloc[0:0], issue, 1800) == (1800, 2016)  # nothing to start at


def test_herb_by_country_largest_first(seizures):
    herb = cannabis.herb_by_country(seizures, 2012, 2016)
    assert herb["country"].tolist() == ["KAZ", "KGZ", "UZB", "TJK", "TKM"]
    assert herb["share_pct"].sum() == pytest.approx(100.0)
    assert herb.set_index("country").loc["KAZ", "share_pct"] == pytest.approx(70.0)
    assert (herb["years"] == 5).all()
    partial = cannabis.herb_by_country(seizures, 2014, 2018)
    assert partial.set_index("country").loc["TKM", "years"] == 3


def test_latest_official_year(seizures):
    assert cannabis.latest_official_year(seizures, 2016) == 2016
    assert cannabis.latest_official_year(seizures, 2011) is None


def test_definition_is_stated_with_both_figures(seizures):
    text = cannabis.definition_sentences(seizures, 2016)
    assert text.startswith('Here "all drugs" means cannabis herb and resin, heroin and opium')
    assert "on UNODC's official 2016 figures, herb and resin make about 95.5% of herb, resin, " \
        "heroin and opium, and about 91.3% once poppy plants and straw count" in text
    assert cannabis.definition_sentences(seizures, 2005) == cannabis.ALL_DRUGS_DEFINITION


def test_claim_c4_within_three_points(seizures):
    near_90 = seizures.copy()
    heroin_2016 = (near_90["year"] == 2016) & (near_90["drug"] == "heroin")
    near_90.loc[heroin_2016, "kg"] = 18.0  # 2016: 1050 of 1050 + 90 + 25, 90.1%
    claim = cannabis.check_claim_c4(near_90)
    assert claim["holds"] is True
    assert claim["values"]["share_2001_pct"] == pytest.approx(65.0)
    assert claim["values"]["share_2016_pct"] == pytest.approx(90.13, abs=0.01)
    assert "Both within 3 points of the statement." in claim["verdict"]
    assert claim["values"]["definition"] == cannabis.SHARE_DEFINITION


def test_claim_c4_fails_beyond_three_points(seizures):
    claim = cannabis.check_claim_c4(seizures)  # 2016: 1050 of 1100, 95.5%
    assert claim["holds"] is False
    assert claim["values"]["share_2016_pct"] == pytest.approx(95.45, abs=0.01)
    assert "does not hold" in claim["verdict"]


def test_claim_c4_says_when_2001_is_reconstructed(seizures):
    claim = cannabis.check_claim_c4(seizures)
    assert claim["basis"] == "mixed"
    assert claim["values"]["basis_rows"] == {"official": 20, "reconstructed_from_claim": 20}
    assert claim["verdict"].endswith(
        "Partly official (20 of 40 figures), partly reconstructed from this statement (20 of 40 "
        "figures).")
    assert "with poppy plants and straw" in claim["verdict"].lower()


def _official_2001(seizures: pd.DataFrame, heroin: float) -> pd.DataFrame:
    """The 2001 rows official, with the heroin that moves the share away from 65%."""
    official = seizures.copy()
    official.loc[official["year"] == 2001, "status"] = "official"
    official.loc[(official["year"] == 2001) & (official["drug"] == "heroin"), "kg"] = heroin
    return official


def test_claim_c4_on_official_figures_reports_the_disagreement_never_tunes(seizures):
    # 2001: 130 of 130 + 55 + 30 per country, 60.5%: 4.5 points below the bulletin's 65%
    official = _official_2001(seizures, 55.0)
    official.loc[(official["year"] == 2016) & (official["drug"] == "heroin"), "kg"] = 18.0
    claim = cannabis.check_claim_c4(official)
    assert claim["holds"] is False and claim["basis"] == "official"
    assert claim["values"]["share_2001_pct"] == pytest.approx(60.47, abs=0.01)
    assert claim["values"]["difference_2001_points"] == pytest.approx(-4.53, abs=0.01)
    assert claim["verdict"].startswith(f"On {cannabis.SHARE_DEFINITION}: ")
    assert "2001: about 60.5% against the bulletin's 65%, 4.5 points below." in claim["verdict"]
    assert claim["verdict"].endswith("Checked against official figures.")
    said = cannabis.bulletin_comparison(official)
    assert said.startswith("The bulletin says the share rose from 65% to 90% in 2001-2016.")
    assert "it was about 60.5% in 2001 (official figures)" in said
    assert "differ from the bulletin's figures for 2001 by 4.5 points" in said
    assert "2016 by" not in said  # 90.1%: within the tolerance


def test_bulletin_comparison_within_the_tolerance_and_without_figures(seizures):
    close = _official_2001(seizures, 38.0)  # 130 of 198: 65.7%
    close.loc[(close["year"] == 2016) & (close["drug"] == "heroin"), "kg"] = 18.0
    assert cannabis.bulletin_comparison(close).endswith(": within 3 points of the bulletin's figures.")
    assert cannabis.bulletin_comparison(seizures[seizures["year"] != 2001]) == ""
    claim = cannabis.check_claim_c4(seizures[seizures["year"] != 2001])
    assert claim["holds"] is None
    assert claim["verdict"].startswith("Not testable on public data: no figures for 2001.")


def test_claim_c5_kazakhstan_and_kyrgyzstan_seize_most_herb(seizures):
    claim = cannabis.check_claim_c5(seizures)
    assert claim["holds"] is True
    assert claim["values"]["kaz_kgz_herb_share_pct"] == pytest.approx(80.0)
    assert set(claim["values"]["kaz_kgz_herb_share_by_year_pct"]) == {str(y) for y in range(2012, 2017)}
    south = seizures.copy()
    south.loc[(south["country"] == "TJK") & (south["drug"] == "cannabis_herb"), "kg"] = 5000.0
    assert cannabis.check_claim_c5(south)["holds"] is False


def test_sentences_follow_the_numbers(seizures):
    shares = cannabis.cannabis_share(seizures, 2001, 2016)
    said = cannabis.sentences(seizures, shares, 2016)
    assert said[0] == (
        "The share of cannabis-type drugs in all drugs seized increased from 65% in 2001 to 95% "
        "in 2016."
    )
    assert said[1] == "Kazakhstan and Kyrgyzstan seized 80% of the region's cannabis herb in 2012-2016."
    assert said[2].startswith("By country: Kazakhstan 70%, Kyrgyzstan 10%, Uzbekistan 10%")


def test_sentences_do_not_take_a_year_without_figures_for_a_missing_country(seizures):
    shares = cannabis.cannabis_share(seizures, 2013, 2017)
    said = cannabis.sentences(seizures, shares, 2017)  # 2017: no figures at all
    assert any("of the region's cannabis herb in 2012-2016" in s for s in said)


def test_who_seizes_the_herb_is_said_of_the_last_five_years_with_figures(seizures):
    # A future issue's period runs past the data: the fixture's herb figures end in 2018 (none in
    # 2017), and a country outside the five reporting later does not move the window.
    later = pd.concat([seizures, frame([("RUS", 2021, "cannabis_herb", 5.0, "test", "official")])])
    assert cannabis.herb_years(later, 2023) == (2014, 2018)
    assert cannabis.herb_years(later, 2016) == (2012, 2016)
    assert cannabis.herb_years(later.iloc[0:0], 2016) == (2012, 2016)  # no herb: the last five
    shares = cannabis.cannabis_share(later, 2016, 2023)
    said = cannabis.sentences(later, shares, 2023)
    assert any("cannabis herb seized by the countries with figures in 2014-2018" in s for s in said)
    assert not any("2019-2023" in s for s in said)
    by_country = cannabis.cannabis_by_country(later, 2016, 2023)
    figures = {f["name"]: f for f in cannabis.key_figures(later, by_country, shares, 2023)}
    assert figures["cannabis_kaz_kgz_herb_share_pct"]["period"] == "2014-2018"


def test_sentences_say_when_a_country_is_missing(seizures):
    shares = cannabis.cannabis_share(seizures, 2016, 2018)
    said = cannabis.sentences(seizures, shares, 2018)
    assert "The 2018 figure covers four of the five countries." in said
    assert any("the cannabis herb seized by the countries with figures" in s for s in said)


def test_table_for_page(seizures):
    by_country = cannabis.cannabis_by_country(seizures, 2016, 2018)
    table = cannabis.table_for_page(by_country, cannabis.cannabis_share(seizures, 2016, 2018))
    assert "Turkmenistan (t)" in table.columns
    assert table["Countries with figures"].tolist() == ["5 of 5", "0 of 5", "4 of 5"]
    assert pd.isna(table.loc[2, "Turkmenistan (t)"])  # shown as missing, not as 0
    assert table.loc[2, "Central Asia (t)"] == pytest.approx(0.98 + 0.04)


def test_charts_title_hatch_and_gaps(seizures):
    by_country = cannabis.cannabis_by_country(seizures, 2001, 2018)
    fig = cannabis.plot_cannabis_by_country(seizures, by_country, title="Cannabis seizures in Central Asia")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Cannabis seizures in Central Asia"
    hatched = {round(p.get_x() + p.get_width() / 2) for p in ax.patches if p.get_hatch()}
    assert hatched == {2001}
    marks = [t.get_text() for t in ax.texts]
    assert "4/5" in marks and "no data" in marks
    shares = cannabis.cannabis_share(seizures, 2001, 2018)
    fig = cannabis.plot_cannabis_share(seizures, shares, title="Share of cannabis-type drugs in all drugs seized, Central Asia")
    ax = fig.axes[0]
    assert ax.get_title(loc="left").startswith("Share of cannabis-type drugs")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "reconstructed, not official" in legend
    assert "the bulletin's figures (2001, 2016), not official" in legend
    note = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "Turkmenistan, all drugs shown, 2018" in note


def test_reconstructed_years_that_repeat_a_figure_are_not_drawn(seizures):
    carried = seizures.copy()
    for year in (2002, 2003):  # 2001's figures carried forward: a flat run, no measure
        carried = pd.concat([carried, seizures[seizures["year"] == 2001].assign(year=year)])
    by_country = cannabis.cannabis_by_country(carried, 2001, 2016)
    fig = cannabis.plot_cannabis_by_country(carried, by_country, title="Cannabis seizures in Central Asia")
    drawn = {round(p.get_x() + p.get_width() / 2) for p in fig.axes[0].patches if p.get_height()}
    assert not drawn & {2001, 2002, 2003} and {2012, 2016} <= drawn
    note = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "Not drawn: Kazakhstan 2001-2003" in note and "not a measure" in note


def test_key_figures(seizures):
    by_country = cannabis.cannabis_by_country(seizures, 2001, 2016)
    shares = cannabis.cannabis_share(seizures, 2001, 2016)
    figures = {f["name"]: f for f in cannabis.key_figures(seizures, by_country, shares, 2016)}
    assert figures["cannabis_share_pct"]["period"] == "2016"
    assert figures["cannabis_share_first_pct"]["status"] == "reconstructed"
    assert figures["cannabis_share_with_poppy_pct"]["value"] == pytest.approx(91.3, abs=0.01)
    assert figures["cannabis_kaz_kgz_herb_share_pct"]["value"] == pytest.approx(80.0)
    assert all(name.startswith("cannabis_") for name in figures)


# --- wording of a share's change and of who seizes most ------------------------------------------

def test_describe_share_change():
    assert describe_share_change("cannabis in all drugs", 91.2, 90.6, 2012, 2014) == (
        "The share of cannabis in all drugs decreased from 91.2% in 2012 to 90.6% in 2014."
    )  # the same whole per cent on both sides: a decimal is added, never a false "no change"
    assert describe_share_change("x", 50, 50, 2001, 2002) == (
        "The share of x did not change from 50% in 2001 to 50% in 2002."
    )
    with pytest.raises(ValueError):
        describe_share_change("x", float("nan"), 50, 2001, 2002)


def test_describe_leaders():
    assert describe_leaders(["Kazakhstan"], 84.8, "the herb", "2012-2016") == (
        "Kazakhstan seized about 85% of the herb in 2012-2016."
    )
    assert describe_leaders(["A", "B", "C"], 50, "it", "2016") == "A, B and C seized 50% of it in 2016."
    with pytest.raises(ValueError, match="at least one name"):
        describe_leaders([], 50, "it", "2016")
