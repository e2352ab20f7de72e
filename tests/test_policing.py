"""bulletin.analyses.policing (analysis 10) on tiny inline frames."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.analyses import policing
from bulletin.analyses.indicators import FEMALE, MINORITY_AMONG_WOMEN_SHARE, WOMEN_SHARE
from bulletin.core.periods import Quarter
from bulletin.data.tables import table_spec

MOI = "UNODC ROCA, Milestones 2017-Q2 (April-June 2017), citing the Kyrgyz Ministry of Interior"


def indicators(women: float = 5.9, minority: float | None = 4.3, year: int = 2016) -> pd.DataFrame:
    lines = [
        {
            "country": "KGZ",
            "year": year,
            "indicator": WOMEN_SHARE,
            "disaggregation": FEMALE,
            "value": women,
            "unit": "% of certified police officers",
            "source": MOI,
            "status": "official",
        },
        {
            "country": "KAZ",
            "year": year,
            "indicator": WOMEN_SHARE,
            "disaggregation": FEMALE,
            "value": 12.0,
            "unit": "% of certified police officers",
            "source": "other",
            "status": "official",
        },
    ]
    if minority is not None:
        lines.append(
            {
                "country": "KGZ",
                "year": year,
                "indicator": MINORITY_AMONG_WOMEN_SHARE,
                "disaggregation": "total",
                "value": minority,
                "unit": "% of women certified police officers",
                "source": MOI,
                "status": "official",
            }
        )
    return pd.DataFrame(lines, columns=table_spec("indicators").columns)


def activities(rounds: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rounds).reindex(columns=table_spec("activities").columns)
    table = table.astype(object).where(table.notna(), None)
    for column in ("participants_on_site", "participants_remote", "duration_days"):
        table[column] = pd.array(table[column], dtype="Int64")
    return table.assign(
        issue=table["issue"].fillna("2017-Q2"),
        kind="training",
        theme="policing",
        country="KGZ",
        source="test",
        status="official",
    )


SERIES = policing.FEMALE_OFFICER_SERIES


@pytest.fixture
def two_rounds() -> pd.DataFrame:
    return activities(
        [
            {
                "id": "2017-Q2-06",
                "start_date": "2017-04-25",
                "end_date": "2017-04-28",
                "title": "Second round",
                "city": "Issyk-Kul",
                "series": SERIES,
                "participants_on_site": 200,
                "participants_scope": "series",
                "donors": "Government of the United States",
            },
            {
                "id": "2017-Q2-05",
                "start_date": "2017-03",
                "end_date": "2017-03",
                "title": "First round",
                "city": "Osh",
                "series": SERIES,
            },
            {
                "id": "2017-Q2-07",
                "start_date": "2017-05",
                "end_date": "2017-05",
                "title": "Another policing training",
                "city": "Bishkek",
                "participants_on_site": 30,
            },
        ]
    )


def test_composition_computes_men_and_minority_women_from_the_two_shares():
    table = policing.composition(policing.policing_rows(indicators(), 2016)).iloc[0]
    assert table["women_pct"] == 5.9
    assert table["men_pct"] == pytest.approx(94.1)
    assert table["minority_among_women_pct"] == 4.3
    assert table["minority_women_pct"] == pytest.approx(0.2537)
    assert table["status"] == "official"


def test_composition_sentence_follows_the_numbers():
    table = policing.composition(policing.policing_rows(indicators(), 2016))
    assert policing.composition_sentence(table) == (
        "In 2016, 5.9% of certified police officers in Kyrgyzstan were women, and 4.3% of these "
        "women belonged to an ethnic minority: approximately 0.25% of all certified officers."
    )
    without = policing.composition(policing.policing_rows(indicators(minority=None), 2016))
    assert pd.isna(without["minority_women_pct"].iloc[0])
    assert policing.composition_sentence(without) == (
        "In 2016, 5.9% of certified police officers in Kyrgyzstan were women."
    )


def test_rows_after_the_issue_year_are_left_out():
    assert policing.policing_rows(indicators(year=2017), 2016).empty


def test_training_rounds_in_date_order_and_only_the_series(two_rounds):
    rounds = policing.training_rounds(two_rounds, Quarter(2017, 2))
    assert list(rounds["city"]) == ["Osh", "Issyk-Kul"]
    assert policing.trained_officers(rounds) == (200, None)
    assert policing.training_sentence(rounds) == (
        "200 female police officers from all regions of Kyrgyzstan were trained in two rounds: "
        "Osh (March 2017) and Issyk-Kul (25-28 April 2017); the 2017-Q2 issue does not give each "
        "round's number."
    )
    shown = policing.format_training_rounds(rounds)
    assert list(shown["Female officers trained"]) == [
        "not given for this round (200 across the rounds)",
        "200 across the rounds",
    ]
    assert list(shown["Place"]) == ["Osh, Kyrgyzstan", "Issyk-Kul, Kyrgyzstan"]


def test_training_of_a_later_issue_is_not_shown_for_an_earlier_one(two_rounds):
    rounds = policing.training_rounds(two_rounds, Quarter(2017, 1))
    assert rounds.empty
    assert policing.training_sentence(rounds) == (
        "No training of female police officers is reported in the issues up to this one."
    )
    assert (
        policing.key_figures(
            policing.composition(policing.policing_rows(indicators(), 2016)), rounds
        )[-1]["name"]
        == "policing_minority_women_share_pct"
    )


def test_a_loose_series_figure_keeps_its_word(two_rounds):
    loose = two_rounds.copy()
    loose.loc[loose["id"] == "2017-Q2-06", "participants_on_site_qualifier"] = "over"
    rounds = policing.training_rounds(loose, Quarter(2017, 2))
    assert policing.trained_officers(rounds) == (200, "over")
    assert policing.training_sentence(rounds).startswith("Over 200 female police officers")
    figures = {f["name"]: f for f in policing.key_figures(pd.DataFrame(), rounds)}
    assert figures["policing_female_officers_trained"]["unit"] == "officers (over: a floor)"


def test_claim_c17_holds_and_fails():
    claim = policing.check_claim_c17(indicators())
    assert claim["holds"] is True
    assert claim["values"]["minority_women_of_all_pct"] == pytest.approx(0.2537)
    assert claim["basis"] == "official"  # as the rows say: the basis is never typed
    stated = policing.check_claim_c17(indicators().assign(status="stated"))
    assert stated["basis"] == "stated" and stated["values"]["basis_rows"] == {"stated": 2}
    assert "against the bulletin itself" in stated["verdict"]
    assert policing.check_claim_c17(indicators(women=6.4))["holds"] is False
    missing = policing.check_claim_c17(indicators(year=2015))
    assert missing["holds"] is None and missing["verdict"].startswith("Not testable on public data")


def test_claim_c18_holds_and_fails(two_rounds):
    claim = policing.check_claim_c18(two_rounds)
    assert claim["holds"] is True
    assert claim["values"] == {
        "officers_trained": 200,
        "rounds": 2,
        "places": ["Osh", "Issyk-Kul"],
        "dates": ["March 2017", "25-28 April 2017"],
        "basis_rows": {"official": 2},
    }
    assert policing.check_claim_c18(two_rounds.assign(status="stated"))["basis"] == "stated"
    moved = two_rounds.copy()
    moved.loc[moved["id"] == "2017-Q2-06", "start_date"] = "2017-04-26"
    assert policing.check_claim_c18(moved)["holds"] is False


def test_key_figures_are_named_policing():
    table = policing.composition(policing.policing_rows(indicators(), 2016))
    figures = policing.key_figures(
        table, pd.DataFrame(columns=["participants_scope", "participants_on_site"])
    )
    assert [f["name"] for f in figures] == [
        "policing_women_share_pct",
        "policing_minority_among_women_pct",
        "policing_minority_women_share_pct",
    ]


def test_the_bulletins_own_figures_are_said_to_be_so():
    stated = policing.composition(policing.policing_rows(indicators().assign(status="stated"), 2016))
    assert policing.composition_sentence(stated).endswith(
        "(the bulletin's own figures: no official series is published).")
    official = policing.composition(policing.policing_rows(indicators(), 2016))
    assert "bulletin's own" not in policing.composition_sentence(official)
    fig = policing.plot_composition(stated, indicators().assign(status="stated"), title="Women, {year}")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["stated in the bulletin (◆), not official"]
