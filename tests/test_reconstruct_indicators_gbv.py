"""The bulletin's Kyrgyz GBV and policing figures: transcribed rows are ``stated``, the one derived
row is ``reconstructed`` and says it comes from the claim it is checked against."""

from __future__ import annotations

import re

import pandas as pd

from bulletin.data.tables import load_table
from bulletin.reconstruct import indicators_gbv as script


def test_transcribed_rows_are_stated_and_name_the_issue_and_its_source():
    rows = script.gbv_rows()
    transcribed = rows[rows["source"].isin([script.SOURCE_NSC, script.SOURCE_MOI])]
    assert len(transcribed) == len(script.TRANSCRIBED) == 5
    assert set(transcribed["status"]) == {"stated"}
    assert transcribed["source"].str.startswith("UNODC ROCA, Milestones 2017-Q2").all()


def test_the_derived_row_says_it_rests_on_the_claim_it_is_checked_against():
    rows = script.gbv_rows()
    derived = rows[rows["status"] == "reconstructed"]
    assert derived[["year", "value"]].values.tolist() == [[2010, 11482.0]]
    source = derived["source"].iloc[0]
    assert set(re.findall(r"\bC\d+", source)) == {"C15"}
    assert "circular" in source and "by bulletin.reconstruct.indicators_gbv" in source
    assert 14467 / 1.265 < script.crisis_centres_2010() <= 14467 / 1.255


def test_own_rows_are_found_even_under_an_older_wording():
    old = script.gbv_rows().assign(
        source=lambda f: f["source"].where(
            f["status"] != "reconstructed",
            "reconstructed from the bulletin text (...), by bulletin.reconstruct.indicators_gbv",
        )
    )
    other = old.iloc[:1].assign(source="National Statistical Committee (test)", status="official")
    table = pd.concat([old, other], ignore_index=True)
    assert script.owned(table).tolist() == [True] * 6 + [False]


def test_rerun_reproduces_the_shipped_rows():
    table = load_table("indicators")
    shipped = table[script.owned(table)].sort_values(["year", "indicator"], ignore_index=True)
    made = script.gbv_rows().sort_values(["year", "indicator"], ignore_index=True)
    pd.testing.assert_frame_equal(shipped, made[shipped.columns], check_dtype=False)
