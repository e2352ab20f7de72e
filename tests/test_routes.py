"""bulletin.analyses.routes (analysis 5): routes, legs, new legs and origin shares on small inline cases;
the refusal of bad cases at the door; claims C7 and C8 on the rendered issue."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bulletin.analyses import route_claims, route_map, route_page, route_windows, routes
from bulletin.core.paths import DATA_DIR
from bulletin.core.periods import Quarter
from bulletin.data.tables import TableError, load_table
from bulletin.data.vocab import CENTRAL_ASIA
from bulletin.publish import main_points

COLUMNS = [
    "case_id",
    "date",
    "country",
    "drug",
    "kg",
    "producing_country",
    "departure_country",
    "transit_countries",
    "destination_country",
    "source",
    "status",
]
PERIOD = route_windows.CaseWindow.parse("2012-01", "2017-06")
BASELINE = route_windows.CaseWindow.parse("2006-01", "2011-12")


def cases(rows: list[tuple]) -> pd.DataFrame:
    """Cases from ``(case_id, date, country, drug, kg, producing, departure, transit, destination)``
    tuples, with the types ``load_table`` gives (text as objects, missing as None)."""
    frame = pd.DataFrame(rows, columns=COLUMNS[:9]).astype(object)
    frame["kg"] = frame["kg"].astype(float)
    return frame.assign(source="test", status="official")


def test_route_drops_unknowns_and_consecutive_repeats():
    frame = cases(
        [
            ("a", "2013-02-01", "KAZ", "heroin", 2.0, "AFG", "AFG", "TJK;TJK;KGZ", "RUS"),
            ("b", "2013-03-01", "UZB", "heroin", 1.0, None, "TJK", None, None),
            ("c", "2014-05", "KAZ", "cannabis_resin", 4.0, "KGZ", None, None, "KAZ"),
            ("d", "2015", "TKM", "opium", 3.0, None, None, None, None),
            ("e", "2016-07-09", "KAZ", "cannabis_herb", 50.0, "KAZ", "KAZ", None, "KAZ"),
            ("f", "2016-08-10", "RUS", "heroin", 7.0, "AFG", "AFG", "TJK;KGZ;KAZ", "BLR"),
            ("g", "2016-09-11", "RUS", "heroin", 1.5, "AFG", "TJK", "KGZ;KAZ;KGZ;KAZ", None),
        ]
    )
    assert routes.case_routes(frame).to_dict() == {
        "a": "AFG>TJK>KGZ>KAZ>RUS",  # AFG twice in a row and TJK twice in a row, once each
        "b": "TJK>UZB",  # unknown producing country and destination left out, not guessed
        "c": "KGZ>KAZ",  # seized in its destination country: the route ends there
        "d": "TKM",  # only the seizing country known
        "e": "KAZ",  # produced, seized and bound for one country
        "f": "AFG>TJK>KGZ>KAZ>RUS>BLR",  # three transit countries, in order
        "g": "AFG>TJK>KGZ>KAZ>KGZ>KAZ>RUS",  # back and forth is not a consecutive repeat
    }


def test_legs_are_the_consecutive_pairs_in_route_order():
    frame = cases(
        [
            ("a", "2013-02-01", "KAZ", "heroin", 2.0, "AFG", "AFG", "TJK;KGZ", "RUS"),
            ("d", "2015", "TKM", "opium", 3.0, None, None, None, None),
        ]
    )
    legs = routes.case_legs(frame)
    expected = pd.DataFrame(
        {
            "case_id": ["a"] * 4,
            "leg": [1, 2, 3, 4],
            "from_country": ["AFG", "TJK", "KGZ", "KAZ"],
            "to_country": ["TJK", "KGZ", "KAZ", "RUS"],
        }
    )
    pd.testing.assert_frame_equal(legs, expected, check_dtype=False)


def test_leg_weights_count_each_case_once_per_leg_and_by_drug():
    frame = cases(
        [
            ("a", "2013-02-01", "KAZ", "heroin", 2.0, "AFG", "AFG", "TJK;KGZ", "RUS"),
            ("g", "2016-09-11", "RUS", "heroin", 1.5, "AFG", "TJK", "KGZ;KAZ;KGZ;KAZ", None),
            ("h", "2014-01-01", "KAZ", "cannabis_resin", 10.0, "AFG", None, "TJK;KGZ", None),
        ]
    )
    summary = routes.leg_summary(frame, PERIOD, BASELINE)
    weights = routes.leg_weights(summary, by=("drug",)).set_index(
        ["drug", "from_country", "to_country"]
    )
    # case g passes KGZ>KAZ twice: one case, its kilograms once
    assert weights.loc[("heroin", "KGZ", "KAZ"), "cases"] == 2
    assert weights.loc[("heroin", "KGZ", "KAZ"), "kg"] == pytest.approx(3.5)
    assert weights.loc[("heroin", "KAZ", "KGZ"), "cases"] == 1
    assert weights.loc[("cannabis_resin", "AFG", "TJK"), "kg"] == pytest.approx(10.0)
    together = routes.leg_weights(summary, by=()).set_index(["from_country", "to_country"])
    assert together.loc[("AFG", "TJK"), "cases"] == 3
    assert together.loc[("AFG", "TJK"), "kg"] == pytest.approx(13.5)
    assert together["kg"].is_monotonic_decreasing


def test_a_case_belongs_to_a_window_only_if_its_whole_date_does():
    frame = cases(
        [
            ("in-day", "2017-06-30", "KAZ", "heroin", 1.0, "AFG", None, None, None),
            ("in-month", "2017-06", "KAZ", "heroin", 1.0, "AFG", None, None, None),
            ("maybe-july", "2017", "KAZ", "heroin", 1.0, "AFG", None, None, None),
            ("after", "2017-07-01", "KAZ", "heroin", 1.0, "AFG", None, None, None),
            ("base-year", "2011", "KAZ", "heroin", 1.0, "AFG", None, None, None),
            ("before", "2005-12-31", "KAZ", "heroin", 1.0, "AFG", None, None, None),
        ]
    )
    assert list(route_windows.cases_within(frame, PERIOD)["case_id"]) == ["in-day", "in-month"]
    assert list(route_windows.cases_within(frame, BASELINE)["case_id"]) == ["base-year"]
    summary = routes.leg_summary(frame, PERIOD, BASELINE)
    counts = summary.groupby("window")["cases"].sum().to_dict()
    assert counts == {"period": 2, "baseline": 1}


def test_fast_summary_equals_the_straightforward_pandas_one():
    rng = np.random.default_rng(7)
    codes = np.array(["AFG", "TJK", "UZB", "KGZ", "KAZ", "TKM", "RUS", "IRN", None], dtype=object)
    n = 3000

    def pick() -> np.ndarray:
        return codes[rng.integers(0, len(codes), n)]

    transit = [
        ";".join(c for c in codes[rng.integers(0, 8, k)]) or None for k in rng.integers(0, 4, n)
    ]
    days = np.datetime64("2005-06-01") + rng.integers(0, 12 * 366, n)
    dates = np.datetime_as_string(days, unit="D").astype(object)
    dates[::17] = [d[:7] for d in dates[::17]]
    dates[::29] = [d[:4] for d in dates[::29]]
    frame = pd.DataFrame(
        {
            "case_id": [f"x{i:05d}" for i in range(n)],
            "date": dates,
            "country": codes[rng.integers(0, 8, n)],
            "drug": np.array(["heroin", "opium", "cannabis_resin"], dtype=object)[
                rng.integers(0, 3, n)
            ],
            "kg": rng.lognormal(0, 1, n).round(3),
            "producing_country": pick(),
            "departure_country": pick(),
            "transit_countries": np.array(transit, dtype=object),
            "destination_country": pick(),
            "source": "test",
            "status": np.array(["official", "reconstructed"], dtype=object)[rng.integers(0, 2, n)],
        }
    )
    fast = routes.leg_summary(frame, PERIOD, BASELINE)
    reference = routes.reference_leg_summary(frame, PERIOD, BASELINE)
    assert len(fast) > 100
    pd.testing.assert_frame_equal(fast, reference, check_exact=False, rtol=1e-9)


def test_overlapping_windows_refused():
    with pytest.raises(ValueError, match="overlap"):
        frame = cases([("a", "2013-02-01", "TJK", "heroin", 2.0, "AFG", None, None, None)])
        routes.leg_summary(frame, PERIOD, route_windows.CaseWindow.parse("2010-01", "2012-12"))


# --- new and disappeared legs ------------------------------------------------------------------


def ids_like() -> pd.DataFrame:
    """Cases as UNODC's IDS gives them (2011-2016, no cannabis, official, route fields often
    empty): a baseline year, 2011, and a period, 2012-2016, with the same legs."""
    rows = []
    for year in range(2011, 2017):
        rows += [
            (f"h{year}", f"{year}-03-01", "TJK", "heroin", 10.0, "AFG", "AFG", None, "RUS"),
            (f"k{year}", f"{year}-05", "KGZ", "heroin", 4.0, "AFG", "TJK", None, "KAZ"),
            # seized in the Russian Federation, left from Tajikistan: its route touches the five
            (f"r{year}", f"{year}-07-02", "RUS", "heroin", 20.0, "AFG", "TJK", "KAZ", None),
            # no route at all beyond the seizing country
            (f"u{year}", str(year), "UZB", "opium", 1.0, None, None, None, None),
            # nowhere near the five: outside the scope
            (f"i{year}", f"{year}-09-09", "IRN", "opium", 50.0, "AFG", None, None, "TUR"),
        ]
    return cases(rows).assign(source="UNODC, Individual Drug Seizures (IDS), test")


@pytest.mark.parametrize("baseline_cases", ["none", "no known route"])
def test_against_a_baseline_with_no_leg_no_leg_is_told_new(baseline_cases):
    """Found rendering 2015-Q1: the seizure cases start in 2011, so 2004-2009, its baseline,
    holds none; yet the page, its map and its main point said 24 legs of 2010-March 2015 "had
    never been seen in 2004-2009"."""
    rows = [("a", "2013-02-01", "KAZ", "heroin", 2.0, "AFG", "AFG", "TJK", "RUS"),
            ("b", "2014-05", "KGZ", "heroin", 1.0, "AFG", None, None, "CHN")]
    if baseline_cases == "no known route":  # a baseline case, seized where it was bound
        rows.append(("c", "2009-03", "UZB", "opium", 4.0, None, None, None, None))
    frame = cases(rows)
    summary = routes.legs_touching(routes.leg_summary(frame, PERIOD, BASELINE))
    assert not routes.shows_legs(summary, "baseline") and routes.shows_legs(summary, "period")
    assert routes.new_legs(summary).empty and routes.disappeared_legs(summary).empty
    figures = {f["name"]: f for f in route_page.key_figures(frame, summary, PERIOD, BASELINE)}
    assert figures["routes_new_legs"]["value"] is None
    assert figures["routes_disappeared_legs"]["value"] is None
    assert figures["routes_legs_period"]["value"] == 5
    sentences = " ".join(route_page.routes_sentences(frame, summary, PERIOD, BASELINE))
    assert "never been seen" not in sentences and "No new offshoots" not in sentences
    assert ("No case of 2006-2011 in the tables has a known route through the five countries: "
            "no leg of 2012-June 2017 can be told new against it, nor any gone.") in sentences
    point = main_points.routes_point(figures)
    assert point.sentence == (
        "No seizure case of 2006-2011 in the tables has a known route through the five "
        "countries, so no trafficking route leg of 2012-June 2017 can be told new.")
    fig = route_map.plot_route_map(frame, summary, PERIOD, BASELINE, title="Routes")
    legend = [t.get_text() for found in (*fig.legends, *(ax.get_legend() for ax in fig.axes))
              if found for t in found.get_texts()]
    assert "No leg of 2006-2011 to compare with: none marked new" in legend
    assert not any(text.startswith("New leg") for text in legend)
    assert fig._bulletin_chart.alt.endswith("No leg of 2006-2011 to compare with: none can be told new.")


def test_a_new_leg_planted_in_a_copy_of_the_data_is_found():
    base = ids_like()
    planted = cases(
        [
            # Kyrgyzstan to China: a leg no case of the baseline shows
            ("planted-2", "2015-03-04", "KGZ", "heroin", 12.0, "AFG", "AFG", "TJK", "CHN"),
            ("planted-1", "2014-11-20", "KGZ", "heroin", 3.0, "AFG", "AFG", "TJK", "CHN"),
        ]
    )
    period, baseline = route_windows.CaseWindow.parse("2012-01", "2016-12"), route_windows.CaseWindow.parse(
        "2011-01", "2011-12")
    data = pd.concat([base, planted], ignore_index=True)
    summary = routes.leg_summary(data, period, baseline)
    new = routes.new_legs(summary)
    assert routes.leg_names(new) == ["KGZ>CHN"]
    found = new.set_index(["from_country", "to_country"]).loc[("KGZ", "CHN")]
    assert found["cases"] == 2 and found["kg"] == pytest.approx(15.0)
    assert (found["first_case_id"], found["first_date"]) == ("planted-1", "2014-11-20")
    # AFG>TJK and TJK>KGZ, also on the planted route, are in the baseline: not reported
    baseline_legs = set(routes.leg_names(routes.leg_weights(summary, "baseline", by=())))
    assert {"AFG>TJK", "TJK>KGZ"} <= baseline_legs
    assert routes.new_legs(routes.leg_summary(base, period, baseline)).empty


def test_cases_touching_the_five_in_any_route_field():
    touching = routes.cases_touching(ids_like())
    assert sorted({c[0] for c in touching["case_id"]}) == ["h", "k", "r", "u"]
    bound = cases([("b", "2013-01-01", "IRN", "heroin", 1.0, None, None, None, "TKM"),
                   ("t", "2013-01-01", "TUR", "heroin", 1.0, None, None, "IRN;TKM", None),
                   ("x", "2013-01-01", "TUR", "heroin", 1.0, "AFG", "IRN", "IRN;GEO", "BLR")])
    assert routes.cases_touching(bound)["case_id"].tolist() == ["b", "t"]


def test_cases_touching_decides_once_per_value_as_row_by_row():
    """The scope is decided per distinct value; it keeps the rows a row-by-row reading keeps."""
    rng = np.random.default_rng(7)
    codes = np.array(["KAZ", "TUR", "IRN", "AFG", "", None, np.nan], dtype=object)
    transits = np.array(["", None, np.nan, "IRN;TKM", "TUR;IRN", "GEO;KGZ;RUS", "TUR"], dtype=object)
    size = 500
    frame = pd.DataFrame({
        "case_id": [f"c{i}" for i in range(size)],
        **{column: codes[rng.integers(0, len(codes), size)]
           for column in ("country", "producing_country", "departure_country",
                          "destination_country")},
        "transit_countries": transits[rng.integers(0, len(transits), size)],
    }, index=rng.permutation(size) + 1000)  # an index that is not 0..n-1

    def touches(row) -> bool:
        single = [row[c] for c in ("country", "producing_country", "departure_country",
                                   "destination_country")]
        transit = row["transit_countries"] if isinstance(row["transit_countries"], str) else ""
        return any(isinstance(c, str) and c in CENTRAL_ASIA for c in single) or bool(
            set(transit.split(";")) & set(CENTRAL_ASIA))

    expected = frame.loc[[touches(row) for _, row in frame.iterrows()]]
    pd.testing.assert_frame_equal(routes.cases_touching(frame), expected)
    assert 0 < len(expected) < size
    assert routes.cases_touching(frame.iloc[:0]).empty
    as_categories = frame.astype({"country": "category"})
    assert routes.cases_touching(as_categories).index.tolist() == expected.index.tolist()


def test_route_fields_left_empty_are_counted_by_field():
    frame = cases([
        ("a", "2013-01-01", "TJK", "heroin", 1.0, "AFG", None, None, "RUS"),
        ("b", "2013-01-01", "TJK", "heroin", 1.0, None, None, None, None),
        ("c", "2013-01-01", "KAZ", "heroin", 1.0, "AFG", "TJK", "UZB", ""),
        ("d", "2013-01-01", "KAZ", "heroin", 1.0, "AFG", "TJK", "UZB", "RUS"),
    ])
    gaps = route_page.route_field_gaps(frame)
    expected = pd.DataFrame({
        "field": ["producing country", "departure country", "transit countries",
                  "destination country", "all four"],
        "empty_cases": [1, 2, 2, 2, 1],
        "share_pct": [25.0, 50.0, 50.0, 50.0, 25.0],
    })
    pd.testing.assert_frame_equal(gaps, expected)
    window = route_windows.CaseWindow.parse("2013-01", "2013-12")
    assert route_page.route_gaps_sentence(frame, window) == (
        "Of the 4 seizure cases of 2013 whose route touches the five countries, 1 leaves the "
        "producing country empty, 2 the departure country, 2 the transit countries and 2 the "
        "destination country (left empty, never guessed). 1 gives no route at all beyond the "
        "seizing country."
    )
    # A field no case gives (the IDS export has no transit countries) is said apart.
    no_transit = frame.assign(transit_countries=None)
    assert route_page.route_gaps_sentence(no_transit, window).endswith(
        "(left empty, never guessed); none gives the transit countries. 1 gives no route at all "
        "beyond the seizing country."
    )


def test_claim_windows_come_from_the_issue_and_the_cases():
    period, baseline = route_windows.claim_windows(ids_like(), Quarter(2017, 2), 6)
    assert (period.interval, baseline.interval) == ("2012-01/2016-12", "2011-01/2011-12")
    # an issue whose six years start before the first case has no baseline to compare with
    assert route_windows.claim_windows(ids_like(), Quarter(2015, 1), 6) is None
    # a shorter period ends at the issue's quarter, before the cases' last month
    period, baseline = route_windows.claim_windows(ids_like(), Quarter(2015, 1), 3)
    assert (period.interval, baseline.interval) == ("2013-01/2015-03", "2011-01/2012-12")
    assert route_windows.claim_windows(ids_like()[ids_like()["date"] >= "2012"], Quarter(2017, 2), 6) is None
    fallback = route_windows.windows_for_issue(ids_like().iloc[0:0], Quarter(2017, 2), 6)
    assert (fallback[0].interval, fallback[1].interval) == ("2012-01/2017-06", "2006-01/2011-12")


def test_a_leg_new_for_one_drug_only_when_asked_by_drug():
    frame = cases(
        [
            ("old", "2008-01-01", "TJK", "heroin", 1.0, "AFG", None, None, None),
            ("new", "2013-01-01", "TJK", "opium", 1.0, "AFG", None, None, None),
        ]
    )
    summary = routes.leg_summary(frame, PERIOD, BASELINE)
    assert routes.new_legs(summary).empty
    by_drug = routes.new_legs(summary, by=("drug",))
    assert list(by_drug["drug"]) == ["opium"] and routes.leg_names(by_drug) == ["AFG>TJK"]


def test_disappeared_legs_with_their_last_case():
    frame = cases(
        [
            ("early", "2007-05-01", "TKM", "opium", 2.0, "IRN", None, None, None),
            ("later", "2010-05", "TKM", "opium", 3.0, "IRN", None, None, None),
            ("kept-old", "2009-01-01", "TJK", "opium", 1.0, "AFG", None, None, None),
            ("kept-new", "2013-01-01", "TJK", "opium", 1.0, "AFG", None, None, None),
        ]
    )
    gone = routes.disappeared_legs(routes.leg_summary(frame, PERIOD, BASELINE))
    assert routes.leg_names(gone) == ["IRN>TKM"]
    assert (gone.iloc[0]["last_case_id"], gone.iloc[0]["last_date"]) == ("later", "2010-05")
    assert gone.iloc[0]["kg"] == pytest.approx(5.0)


def test_claim_c7_is_not_testable_when_the_baseline_cases_show_no_leg():
    """With a case before the period but none of a known route, every leg of the period was
    "never seen in the baseline", and C7 did not hold on nothing."""
    frame = cases([("a", "2013-02-01", "KAZ", "heroin", 2.0, "AFG", "AFG", "TJK", "RUS"),
                   ("c", "2009-03", "UZB", "opium", 4.0, None, None, None, None)])
    claim = route_claims.check_claim_c7(frame)
    assert claim["holds"] is None, claim["verdict"]
    assert "with 3 and 0 legs of a known route: nothing to compare" in claim["verdict"]


def test_claim_c7_on_ids_like_cases_holds_or_names_the_new_legs_with_their_weight():
    base = ids_like()
    claim = route_claims.check_claim_c7(base)
    assert claim["holds"] is True and claim["basis"] == "official"
    assert claim["values"]["period"] == "2012-01/2016-12"
    assert claim["values"]["baseline"] == "2011-01/2011-12"
    assert claim["values"]["cases_period"] == 20 and claim["values"]["cases_baseline"] == 4
    assert claim["verdict"].endswith("consistent with the statement. Checked against official figures.")
    planted = cases([("p", "2016-01-01", "TJK", "heroin", 2.5, "AFG", "AFG", None, "IRN"),
                     # a new leg with neither end in the five is no offshoot "in Central Asia"
                     ("q", "2016-02-01", "RUS", "heroin", 9.0, "AFG", "TJK", "KAZ", "BLR")])
    claim = route_claims.check_claim_c7(pd.concat([base, planted], ignore_index=True))
    assert claim["holds"] is False
    assert claim["values"]["new_leg_names"] == ["TJK>IRN"]
    assert claim["values"]["new_legs_kg"] == {"TJK>IRN": 2.5}
    assert "Tajikistan to Iran (one case, 2.5 kg)" in claim["verdict"]
    assert "the baseline is 12 months against the period's 60 months" in claim["verdict"]


def test_claim_c7_not_testable_without_cases_before_the_period():
    claim = route_claims.check_claim_c7(ids_like()[ids_like()["date"] >= "2012"])
    assert claim["holds"] is None
    assert claim["verdict"].startswith("Not testable on public data: the seizure cases do not "
                                       "reach both the six years to June 2017 and the years before")
    empty = route_claims.check_claim_c7(ids_like().iloc[0:0])
    assert empty["holds"] is None and empty["basis"] == "stated"
    assert "The data hold no figure for it" in empty["verdict"]


def test_claim_c7_basis_on_reconstructed_cases():
    claim = route_claims.check_claim_c7(ids_like().assign(
        status="reconstructed", source="reconstructed from the bulletin text (C7, C8)"))
    assert claim["basis"] == "reconstructed" and claim["holds"] is True
    assert "Holds by construction" in claim["verdict"]


# --- origin ------------------------------------------------------------------------------------


def test_origin_shares_keep_unknown_and_add_up_to_100():
    frame = cases(
        [
            ("a", "2013-01-01", "TJK", "cannabis_resin", 6.0, "AFG", None, None, None),
            ("b", "2013-01-02", "TJK", "cannabis_resin", 3.0, None, None, None, None),
            ("c", "2013-01-03", "TJK", "cannabis_herb", 1.0, "TJK", None, None, None),
            ("d", "2013-01-04", "UZB", "heroin", 0.0, "AFG", None, None, None),
        ]
    )
    shares = routes.origin_shares(frame).set_index(["country", "drug", "producing_country"])
    assert shares.loc[("TJK", "cannabis_resin", "AFG"), "share_pct"] == pytest.approx(200 / 3)
    assert shares.loc[("TJK", "cannabis_resin", routes.UNKNOWN), "share_pct"] == pytest.approx(
        100 / 3
    )
    assert ("UZB", "heroin", "AFG") not in shares.index  # nothing weighed: no share to give
    groups = routes.origin_shares(frame, level="drug_group")
    assert routes.afghan_share(groups, "TJK") == pytest.approx(60.0)
    assert routes.afghan_share(groups, "KGZ") is None


def test_origin_shares_of_ids_like_cases_add_up_to_100():
    for level in ("drug", "drug_group"):
        totals = routes.origin_shares(ids_like(), level=level).groupby(["country", level])[
            "share_pct"
        ].sum()
        assert len(totals) == 5
        np.testing.assert_allclose(totals.to_numpy(), 100.0, rtol=0, atol=1e-9)


def test_claim_c8_on_inline_cases():
    frame = cases(
        [
            ("a", "2013-01-01", "TJK", "cannabis_resin", 6.0, "AFG", None, None, None),
            ("b", "2013-01-02", "TJK", "cannabis_herb", 4.0, None, None, None, None),
            ("c", "2013-01-03", "UZB", "cannabis_herb", 5.0, "AFG", None, None, None),
            ("d", "2013-01-04", "UZB", "cannabis_herb", 5.0, "UZB", None, None, None),
        ]
    )
    claim = route_claims.check_claim_c8(frame)
    assert claim["values"]["afghan_share_cannabis_tjk_pct"] == pytest.approx(60.0)
    assert claim["values"]["afghan_share_cannabis_uzb_pct"] == pytest.approx(50.0)
    assert claim["holds"] is False  # half is not "the most"
    assert claim["basis"] == "official"
    more = frame.assign(producing_country=["AFG", "AFG", "AFG", "AFG"])
    assert route_claims.check_claim_c8(more)["holds"] is True


def test_claim_c8_not_testable_when_the_cases_hold_no_cannabis():
    claim = route_claims.check_claim_c8(ids_like())
    assert claim["holds"] is None and claim["basis"] == "official"
    assert claim["verdict"] == (
        "Not testable on public data: the seizure cases (UNODC, Individual Drug Seizures (IDS), "
        "test) hold no cannabis case at all. The figures examined are official."
    )
    assert claim["values"]["afghan_share_cannabis_tjk_pct"] is None
    assert route_page.origin_sentence(ids_like(), route_windows.CaseWindow.parse("2012-01", "2016-12")) == (
        "No cannabis case is among the seizure cases of 2012-2016: the origin of the cannabis "
        "seized cannot be read from them."
    )
    elsewhere = pd.concat([ids_like(), cases(
        [("c", "2013-01-01", "KAZ", "cannabis_herb", 5.0, "KAZ", None, None, None)])])
    claim = route_claims.check_claim_c8(elsewhere)
    assert claim["holds"] is None
    assert "no cannabis case seized in Tajikistan or Uzbekistan in 2012-2016" in claim["verdict"]


# --- windows and words -------------------------------------------------------------------------


def test_windows_read_written_and_cut_at_the_issue():
    assert route_windows.CaseWindow.parse("2006-01", "2011-12").label == "2006-2011"
    assert route_windows.CaseWindow.parse("2017-04", "2017-06").label == "April-June 2017"
    assert PERIOD.last_day == "2017-06-30" and PERIOD.interval == "2012-01/2017-06"
    assert route_windows.window_for_issue("2012-01", "2017-06", Quarter(2017, 1)).last_month == "2017-03"
    assert route_windows.window_for_issue("2012-01", "2017-06", Quarter(2017, 2)) == PERIOD
    for first, last in (("2012-1", "2017-06"), ("2012-13", "2017-06"), ("2017-06", "2012-01")):
        with pytest.raises(ValueError):
            route_windows.CaseWindow.parse(first, last)


def test_sentences_follow_the_numbers():
    frame = cases(
        [
            ("a", "2008-02-01", "TJK", "heroin", 2.0, "AFG", None, None, None),
            ("b", "2013-02-01", "TJK", "heroin", 2.0, "AFG", None, None, None),
        ]
    )
    summary = routes.leg_summary(frame, PERIOD, BASELINE)
    sentences = route_page.routes_sentences(frame, summary, PERIOD, BASELINE)
    assert sentences == [
        "In 2012-June 2017, one seizure case carried drugs along one leg between two countries.",
        "No new offshoots: every leg seen in 2012-June 2017 had already been seen in 2006-2011.",
    ]
    reconstructed = frame.assign(status="reconstructed")
    said = route_page.routes_sentences(reconstructed, summary, PERIOD, BASELINE)
    assert len(said) == 3 and said[-1].startswith(
        "These cases are reconstructed by this project, not official")


# --- bad cases refused at the door (bulletin.data.tables), with their line named --------------------


def copy_with(tmp_path: Path, line: int, column: str, value: str) -> Path:
    """A table of IDS-like cases with one cell changed (``line`` counts the header as 1)."""
    folder = tmp_path / "data"
    folder.mkdir()
    table = pd.concat([ids_like()] * 2, ignore_index=True)
    table["case_id"] = [f"case-{i}" for i in range(len(table))]
    table = table.astype(str).replace("None", "")
    table.loc[line - 2, column] = value
    table.to_csv(folder / "seizure_cases.csv", index=False)
    return folder


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("country", "XKZ", "an ISO3 code listed in data/reference/countries.csv"),
        ("producing_country", "AFN", "an ISO3 code listed in data/reference/countries.csv"),
        ("kg", "-2.5", "a number of kilograms, zero or more"),
    ],
)
def test_bad_case_refused_with_its_line_named(tmp_path, column, value, expected):
    folder = copy_with(tmp_path, 42, column, value)
    with pytest.raises(TableError) as caught:
        load_table("seizure_cases", folder)
    message = str(caught.value)
    assert "seizure_cases.csv" in message
    assert f"line 42, column '{column}'" in message and value in message and expected in message


def test_unknown_transit_country_refused_with_its_line_named(tmp_path):
    folder = copy_with(tmp_path, 42, "transit_countries", "TJK;QQQ")
    with pytest.raises(TableError, match=r"line 42, column 'transit_countries'"):
        load_table("seizure_cases", folder)


# --- on the rendered issues (claims and figures) -----------------------------------------------


@pytest.mark.slow
def test_claim_c7_on_the_shipped_cases_says_what_they_show(claims_2017q2):
    claim = claims_2017q2["C7"]
    shipped = load_table("seizure_cases", DATA_DIR)
    assert claim["basis"] in ("official", "stated", "reconstructed", "mixed")
    windows = route_windows.claim_windows(routes.cases_touching(shipped), Quarter(2017, 2), 6)
    if windows is None:
        assert claim["holds"] is None and claim["verdict"].startswith("Not testable on public data")
        return
    assert claim["values"]["period"] == windows[0].interval
    assert claim["values"]["baseline"] == windows[1].interval
    assert claim["holds"] is (claim["values"]["new_legs"] == 0)
    assert len(claim["values"]["new_leg_names"]) == claim["values"]["new_legs"]


@pytest.mark.slow
def test_claim_c8_on_the_shipped_cases(claims_2017q2, figures_2017q2):
    claim = claims_2017q2["C8"]
    shipped = load_table("seizure_cases", DATA_DIR)
    cannabis = shipped["country"].isin(routes.C8_COUNTRIES) & shipped["drug"].str.startswith(
        "cannabis")
    if not cannabis.any():
        assert claim["holds"] is None
        assert claim["verdict"].startswith("Not testable on public data")
        return
    for country in ("tjk", "uzb"):
        share = claim["values"][f"afghan_share_cannabis_{country}_pct"]
        figure = figures_2017q2[f"routes_afghan_cannabis_share_{country}_pct"]
        assert figure["value"] == pytest.approx(share, abs=0.01)


@pytest.mark.slow
def test_earlier_issue_examines_cases_to_its_own_quarter(rendered_2017q1, figures_2017q2):
    figures = json.loads((rendered_2017q1 / "figures.json").read_text())["figures"]
    period = figures["routes_cases_period"]["period"]
    first, last = period.split("/")
    assert first == "2012-01" and last <= "2017-03"  # never past the issue's own quarter
    assert figures["routes_cases_period"]["value"] <= figures_2017q2["routes_cases_period"]["value"]
    page = (rendered_2017q1 / "05_trafficking_routes.html").read_text(encoding="utf-8")
    assert route_windows.CaseWindow.parse(first, last).label in page
