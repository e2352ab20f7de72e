"""bulletin.analyses.gbv (analysis 9), the Kyrgyz GBV rows of indicators.csv and the script that writes them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bulletin.analyses import gbv, gbv_charts, gbv_claims
from bulletin.analyses.indicators import (
    CRISIS_CENTRE_CLIENTS,
    FEMALE,
    MALE,
    POLICE_GBV_CASES,
    split_qualifier,
    with_qualifier,
)
from bulletin.analyses.series import TOTAL
from bulletin.core.paths import DATA_DIR
from bulletin.core.periods import Quarter
from bulletin.core.wording import describe_stated_change
from bulletin.data.importers.driver import import_files
from bulletin.data.tables import load_table, table_spec, write_table
from bulletin.publish import chart_facts
from bulletin.reconstruct import indicators_gbv as script

BULLETIN = "UNODC ROCA, Milestones 2017-Q2 (April-June 2017), citing the Kyrgyz National Statistical Committee"
NSC = "NSC test"


def frame(rows: list[tuple]) -> pd.DataFrame:
    """indicators rows (indicator, year, disaggregation, value, status[, country])."""
    lines = []
    for row in rows:
        indicator, year, disaggregation, value, status = row[:5]
        country = row[5] if len(row) > 5 else "KGZ"
        source = BULLETIN if indicator.startswith("gbv_") else NSC
        if status == "reconstructed":
            source += " (claim C15)"  # the reconstruction names the statement it rests on
        lines.append(
            {
                "country": country,
                "year": year,
                "indicator": indicator,
                "disaggregation": disaggregation,
                "value": float(value),
                "unit": "persons",
                "source": source,
                "status": status,
            }
        )
    return pd.DataFrame(lines, columns=table_spec("indicators").columns)


@pytest.fixture
def indicators() -> pd.DataFrame:
    channels = gbv.HEALTH_CHANNELS
    return frame(
        [
            (CRISIS_CENTRE_CLIENTS, 2010, "total", 11482, "reconstructed"),
            (CRISIS_CENTRE_CLIENTS, 2015, "total", 14467, "official"),
            (POLICE_GBV_CASES, 2010, "total", 1800, "official"),
            (POLICE_GBV_CASES, 2014, "total; qualifier=over", 3500, "official"),
            (gbv.DV_VICTIMS, 2010, "total", 1789, "official"),
            (gbv.DV_VICTIMS, 2010, "sex=female", 1659, "official"),
            (gbv.DV_VICTIMS, 2010, "sex=male", 130, "official"),
            (gbv.DV_VICTIMS, 2010, "age=21-30", 634, "official"),
            (gbv.DV_VICTIMS, 2014, "total", 2629, "official"),
            (gbv.DV_VICTIMS, 2015, "total", 3333, "official"),
            (gbv.DV_VICTIMS, 2016, "total", 7005, "official"),
            (gbv.DV_VICTIMS, 2016, "sex=female", 6795, "official"),
            (gbv.DV_VICTIMS, 2016, "sex=male", 210, "official"),
            (gbv.DV_VICTIMS, 2017, "total", 7323, "official"),  # after the issue's last year
            (gbv.DV_VICTIMS, 2016, "total", 999, "official", "KAZ"),  # another country
            (gbv.DV_WOMEN_HEALTH, 2016, channels[0], 1172, "official"),
            (gbv.DV_WOMEN_HEALTH, 2016, channels[1], 2, "official"),
            (gbv.DV_WOMEN_HEALTH, 2016, channels[2], 657, "official"),
            (gbv.DV_WOMEN_HEALTH, 2016, channels[3], 372, "official"),
            (
                gbv.DV_WOMEN_HEALTH,
                2016,
                "item=Number of women treated for diseases",
                1404,
                "official",
            ),
            (gbv.DV_WOMEN_HEALTH, 2015, channels[0], 936, "official"),  # one channel only
            ("SDG 16.1.1", 2016, "total", 267, "official"),  # not a GBV series
        ]
    )


@pytest.fixture
def rows(indicators) -> pd.DataFrame:
    return gbv.gbv_rows(indicators, 2016)


# --- the qualifier convention -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("disaggregation", "expected"),
    [
        ("total; qualifier=over", ("total", "over")),
        ("qualifier=more than", ("total", "more than")),
        ("sex=female; qualifier=almost", ("sex=female", "almost")),
        ("sex=female", ("sex=female", None)),
        ("total", ("total", None)),
    ],
)
def test_split_qualifier(disaggregation, expected):
    split = split_qualifier(
        frame([(POLICE_GBV_CASES, 2014, disaggregation, 1, "official")])
    )
    assert (split["disaggregation"].iloc[0], split["qualifier"].iloc[0]) == expected


def test_split_qualifier_refuses_an_unknown_word_naming_the_row():
    bad = frame([(POLICE_GBV_CASES, 2014, "total; qualifier=roughly", 3500, "official")])
    with pytest.raises(ValueError, match="gbv_cases_registered_by_police 2014"):
        split_qualifier(bad)


def test_with_qualifier_round_trips():
    assert with_qualifier("total", "over") == "total; qualifier=over"
    assert with_qualifier("total", None) == "total"
    with pytest.raises(ValueError):
        with_qualifier("total", "roughly")


# --- series, growth, victims, gap --------------------------------------------------------------


def test_gbv_rows_keep_kyrgyzstan_its_series_and_the_issue_years(rows):
    assert set(rows["country"]) == {"KGZ"}
    assert "SDG 16.1.1" not in set(rows["indicator"])
    assert rows["year"].max() == 2016
    assert gbv.last_data_year(Quarter(2017, 2)) == 2016


def test_health_authorities_are_the_four_places_added_up_only_when_all_four_are_there(rows):
    totals = gbv.series_totals(rows)
    health = totals.loc[totals["indicator"] == gbv.DV_WOMEN_HEALTH]
    assert list(health["year"]) == [2016]  # 2015 has one place only: no partial sum
    assert health["value"].iloc[0] == 1172 + 2 + 657 + 372  # women treated are another measure


def test_series_table_words_carry_qualifiers_and_mark_reconstructions(rows):
    table = gbv.series_table(rows).set_index("Year")
    police = gbv.SERIES_LABELS[POLICE_GBV_CASES]
    crisis = gbv.SERIES_LABELS[CRISIS_CENTRE_CLIENTS]
    assert table.loc[2014, police] == "over 3,500"
    assert table.loc[2010, police] == "1,800"
    assert table.loc[2010, crisis] == "11,482 (reconstructed)"
    assert table.loc[2016, crisis] == "–"  # no figure that year: never filled in


def test_growth_between_the_years_the_bulletin_compares(rows):
    police = gbv.growth(rows, POLICE_GBV_CASES, 2010, 2014)
    assert police["percent"] == pytest.approx(94.444, abs=1e-3)
    assert police["new_qualifier"] == "over"
    assert police["words"] == "an increase of over 94 per cent"
    crisis = gbv.growth(rows, CRISIS_CENTRE_CLIENTS, 2010, 2015)
    assert crisis["words"] == "a 26 per cent increase"
    assert crisis["status"] == "official+reconstructed"
    assert gbv.growth(rows, POLICE_GBV_CASES, 2010, 2015) is None  # no 2015 figure
    table = gbv.growth_table(rows)
    assert list(table["Years"]) == ["2010-2014", "2010-2014", "2010-2015", "2010-2015"]
    assert table.iloc[0]["To"] == "over 3,500"


def test_victims_by_sex(rows):
    table = gbv.victims_by_sex(rows).set_index("year")
    assert table.loc[2016, FEMALE] == 6795
    assert table.loc[2016, TOTAL] == 7005
    assert table.loc[2016, "female_share_pct"] == pytest.approx(97.002, abs=1e-3)
    assert table.loc[2010, MALE] == 130
    assert pd.isna(table.loc[2014, FEMALE])  # no figure by sex that year: missing, not 0
    assert gbv.victims_sentence(gbv.victims_by_sex(rows)) == (
        "In 2016, 7,005 people were recorded as victims of domestic violence in Kyrgyzstan, "
        "6,795 of them women (about 97%), against 3,333 in 2015 (a 110 per cent increase) and "
        "1,789 in 2010."
    )


def test_help_seeking_gap(rows):
    gap = gbv.help_seeking_gap(rows).set_index("year")
    assert gap.loc[2010, "per_police_cases"] == pytest.approx(11482 / 1800)
    assert gap.loc[2010, "per_dv_victims"] == pytest.approx(11482 / 1789)
    assert gap.loc[2015, "per_dv_victims"] == pytest.approx(14467 / 3333)
    assert pd.isna(gap.loc[2015, "per_police_cases"])
    sentence = gbv.gap_sentence(gbv.help_seeking_gap(rows))
    assert sentence.startswith("In 2010, 11,482 people turned to crisis centres, 6.4 for every")
    assert "(the crisis-centre figure is reconstructed)" in sentence
    assert "in 2015, 14,467 people turned to crisis centres, 4.3 for every victim" in sentence


def test_ratio_words_carry_the_bound_of_a_loose_denominator():
    assert gbv.ratio_words(4.13, "over") == "under 4.1"
    assert gbv.ratio_words(4.13, "almost") == "over 4.1"
    assert gbv.ratio_words(4.15) == "4.2"  # rounded half up, as people do
    assert gbv.ratio_words(float("nan")) == "–"


def test_key_figures(rows):
    figures = {f["name"]: f for f in gbv.key_figures(rows, 2016)}
    assert all(name.startswith("gbv_") for name in figures)
    assert figures["gbv_dv_victims_total"]["value"] == 7005
    assert figures["gbv_dv_victims_women"]["value"] == 6795
    assert figures["gbv_police_cases_2014"]["unit"] == "cases (over: a floor)"
    assert (
        figures["gbv_crisis_centre_clients_change_2010_2015_pct"]["status"]
        == "official+reconstructed"
    )


def test_an_empty_table_gives_messages_not_errors():
    empty = gbv.gbv_rows(frame([("SDG 16.1.1", 2016, "total", 267, "official")]), 2016)
    assert empty.empty
    assert gbv.series_table(empty).empty
    assert gbv.growth_table(empty).empty
    assert gbv.help_seeking_gap(empty).empty
    assert gbv.key_figures(empty, 2016) == []
    assert "no gender-based violence series" in gbv.no_data_message(2016)


# --- claims C15 and C16 on inline frames --------------------------------------------------------


def _stated(table: pd.DataFrame) -> pd.DataFrame:
    """The bulletin's own rows as the rebuilt table has them: status ``stated``."""
    mine = table["indicator"].isin([CRISIS_CENTRE_CLIENTS, POLICE_GBV_CASES])
    return table.assign(status=table["status"].where(~mine | (table["status"] != "official"),
                                                     "stated"))


def test_c15_holds_but_says_it_is_circular_when_2010_is_reconstructed(indicators):
    claim = gbv_claims.check_claim_c15(indicators)
    assert claim["holds"] is True
    assert claim["values"]["increase_pct"] == pytest.approx(26.0, abs=0.01)
    assert claim["basis"] == "mixed"
    assert "partly reconstructed from this statement (1 of 2 figures)" in claim["verdict"]
    # the bulletin's 2015 figure stated, its 2010 figure reconstructed from the statement: no
    # official figure at all, the increase holds by construction
    stated = gbv_claims.check_claim_c15(_stated(indicators))
    assert stated["basis"] == "reconstructed"
    assert stated["verdict"].endswith(
        "Holds by construction: the figures were reconstructed from this statement.")


def test_c16_on_the_bulletins_own_figures_says_so(indicators):
    claim = gbv_claims.check_claim_c16(_stated(indicators))
    assert claim["basis"] == "stated" and claim["holds"] is True
    assert claim["verdict"].endswith(
        "Only the bulletin's own figures exist: the check is against the bulletin itself, not an "
        "independent source.")
    assert "NSC's victims of domestic violence (official)" in claim["verdict"]


def test_c15_with_an_official_2010_figure_is_checked_and_can_fail(indicators):
    official = indicators.copy()
    official.loc[
        (official["indicator"] == CRISIS_CENTRE_CLIENTS) & (official["year"] == 2010), "status"
    ] = "official"
    assert gbv_claims.check_claim_c15(official)["basis"] == "official"
    assert gbv_claims.check_claim_c15(official)["holds"] is True
    lower = official.copy()
    lower.loc[
        (lower["indicator"] == CRISIS_CENTRE_CLIENTS) & (lower["year"] == 2010), "value"
    ] = 10000.0
    failed = gbv_claims.check_claim_c15(lower)
    assert failed["holds"] is False
    assert "does not hold" in failed["verdict"]


def test_c16_holds_and_sets_the_nsc_series_beside_it(indicators):
    claim = gbv_claims.check_claim_c16(indicators)
    assert claim["holds"] is True
    assert claim["values"]["police_gbv_cases_2014_qualifier"] == "over"
    assert claim["values"]["nsc_dv_victims_2014"] == 2629
    assert "over 3,500" in claim["verdict"]
    plain = indicators.copy()
    plain["disaggregation"] = plain["disaggregation"].str.replace(
        "; qualifier=over", "", regex=False
    )
    assert gbv_claims.check_claim_c16(plain)["holds"] is False  # "over" lost: not what the bulletin says


def test_claims_without_rows_are_not_testable():
    empty = frame([("SDG 16.1.1", 2016, "total", 267, "official")])
    for check in (gbv_claims.check_claim_c15, gbv_claims.check_claim_c16):
        claim = check(empty)
        assert claim["holds"] is None and claim["basis"] == "stated"
        assert claim["verdict"].startswith("Not testable on public data: indicators.csv has no ")


def test_series_table_marks_stated_and_reconstructed_figures(indicators):
    table = gbv.series_table(gbv.gbv_rows(_stated(indicators), 2016)).set_index("Year")
    crisis = table["People who turned to crisis centres"]
    assert crisis[2010] == "11,482 (reconstructed)" and crisis[2015] == "14,467 (stated)"
    assert table.at[2016, "Victims of domestic violence (NSC)"] == "7,005"


def test_series_chart_draws_stated_figures_with_a_marker_of_their_own(indicators):
    fig = gbv_charts.plot_series(gbv.gbv_rows(_stated(indicators), 2016), title="Series")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "◆ stated in the bulletin's text (not official)" in legend
    assert "reconstructed (not official)" in legend
    diamonds = [line for line in fig.axes[0].get_lines() if line.get_marker() == "D"]
    assert sorted(int(x) for line in diamonds for x in line.get_xdata()) == [2010, 2014, 2015]


def test_series_chart_carries_the_statuses_of_its_points(indicators):
    rows = gbv.gbv_rows(_stated(indicators), 2016)
    facts = chart_facts.chart_facts(gbv_charts.plot_series(rows, title="Series"))
    assert facts["statuses"] == ["official", "stated", "reconstructed"]
    victims = chart_facts.chart_facts(gbv_charts.plot_victims_by_sex(gbv.victims_by_sex(rows), rows, title="Victims"))
    assert victims["statuses"] == ["official"]


# --- the script that writes the bulletin's rows -------------------------------------------------


def test_the_script_reproduces_the_shipped_rows_exactly():
    shipped = load_table("indicators", DATA_DIR)
    mine = shipped.loc[script.owned(shipped)]
    key = list(table_spec("indicators").key)
    expected = script.gbv_rows().sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        mine.sort_values(key).reset_index(drop=True)[expected.columns], expected, check_dtype=False
    )
    assert script.main(["--check", "--data-dir", str(DATA_DIR)]) == 0


def test_the_reconstructed_2010_figure_lies_within_what_the_statement_allows():
    value = script.crisis_centres_2010()
    assert value == 11482
    assert 14467 / 1.265 < value <= 14467 / 1.255
    rows = script.gbv_rows()
    reconstructed = rows.loc[rows["status"] == "reconstructed"]
    assert list(reconstructed["year"]) == [2010]
    assert set(rows.loc[rows["status"] == "official", "source"]) <= {
        script.SOURCE_NSC,
        script.SOURCE_MOI,
    }


def test_the_script_replaces_only_its_own_rows(tmp_path: Path):
    others = frame([("SDG 16.1.1", 2016, "total", 267, "official")])
    stale = script.gbv_rows().assign(value=1.0)
    write_table("indicators", pd.concat([others, stale], ignore_index=True), tmp_path)
    assert script.main(["--check", "--data-dir", str(tmp_path)]) == 1
    assert script.main(["--data-dir", str(tmp_path)]) == 0
    table = load_table("indicators", tmp_path)
    assert len(table) == len(script.gbv_rows()) + 1
    assert table.loc[table["indicator"] == "SDG 16.1.1", "value"].tolist() == [267.0]
    assert script.main(["--check", "--data-dir", str(tmp_path)]) == 0


# --- the official series, read from the NSC's workbooks through the importer -------------------


@pytest.fixture(scope="module")
def imported(official_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("nsc-gbv")
    workbooks = [official_dir / "kg-nsc-sdg" / name for name in ("5.2.1.2.xlsx", "5.2.1.3.xlsx")]
    missing = [str(p) for p in workbooks if not p.exists()]
    if missing:
        pytest.skip(f"NSC workbooks not found: {', '.join(missing)}")
    import_files(workbooks, folder)
    return load_table("indicators", folder)


def test_official_victims_by_sex_equal_the_workbook(imported):
    table = gbv.victims_by_sex(gbv.gbv_rows(imported, 2023)).set_index("year")
    assert table.loc[2016, TOTAL] == 7005
    assert table.loc[2016, FEMALE] == 6795
    assert table.loc[2016, MALE] == 210
    assert table.loc[2009, TOTAL] == 2093
    assert table.loc[2010, TOTAL] == 1789
    assert table.loc[2014, TOTAL] == 2629
    assert (table[FEMALE] + table[MALE] == table[TOTAL]).all()


def test_official_health_authorities_equal_the_workbook(imported):
    totals = gbv.series_totals(gbv.gbv_rows(imported, 2023)).set_index(["indicator", "year"])
    assert totals.loc[(gbv.DV_WOMEN_HEALTH, 2010), "value"] == 1308 + 68 + 401 + 414
    assert totals.loc[(gbv.DV_WOMEN_HEALTH, 2016), "value"] == 1172 + 2 + 657 + 372
    # 2018: the feldsher-midwife cell is empty in the workbook: no partial sum
    assert (gbv.DV_WOMEN_HEALTH, 2018) not in totals.index


def test_shipped_official_rows_equal_the_imported_workbooks(imported):
    shipped = load_table("indicators", DATA_DIR)
    key = list(table_spec("indicators").key)
    for indicator in (gbv.DV_VICTIMS, gbv.DV_WOMEN_HEALTH):
        a = shipped.loc[shipped["indicator"] == indicator].sort_values(key).reset_index(drop=True)
        b = imported.loc[imported["indicator"] == indicator].sort_values(key).reset_index(drop=True)
        assert len(a) > 0, f"{indicator}: no rows shipped in data/indicators.csv"
        pd.testing.assert_frame_equal(a, b)


# --- wording of changes between stated figures --------------------------------------------------


@pytest.mark.parametrize(
    ("new", "old", "new_q", "old_q", "expected"),
    [
        (3500, 1800, "over", None, "an increase of over 94 per cent"),
        (3500, 1800, "more than", None, "an increase of over 94 per cent"),
        (14467, 11482, None, None, "a 26 per cent increase"),
        (3900, 2000, "almost", None, "an increase of almost 95 per cent"),
        (3000, 2000, None, "almost", "an increase of over 50 per cent"),
        (3000, 2000, "about", None, "an increase of about 50 per cent"),
        (3000, 2000, "over", "over", "an increase of about 50 per cent"),
        (1000, 2000, "almost", None, "a decrease of over 50 per cent"),
        (1000, 2000, "over", None, "at most a 50 per cent decrease"),
    ],
)
def test_describe_stated_change(new, old, new_q, old_q, expected):
    assert describe_stated_change(new, old, new_q, old_q) == expected


def test_describe_stated_change_refuses_a_loose_change_from_zero():
    with pytest.raises(ValueError):
        describe_stated_change(10, 0, "over")
    with pytest.raises(ValueError, match="qualifier"):
        describe_stated_change(10, 5, "roughly")
