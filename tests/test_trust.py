"""bulletin.data.trust: status words, the basis of a claim, data shares and flagged rows, on tiny
inline frames with known answers (official, stated and reconstructed rows mixed)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from bulletin.core.periods import Quarter
from bulletin.data import trust
from bulletin.data.trust import (
    basis_of,
    claim_basis,
    claim_record,
    data_shares,
    repeated_reconstructed,
)

MADE = "reconstructed from the bulletin text (Milestones 2017-Q2), by bulletin.reconstruct.x"
# A reconstruction that names no claim was made from official figures of other years alone.
FROM_OFFICIAL = "reconstructed by bulletin.reconstruct.x: straight line between official years"


def rows(*kinds: tuple[str, str]) -> pd.DataFrame:
    """Rows of ``(status, source)``."""
    return pd.DataFrame(kinds, columns=["status", "source"])


def test_stated_sits_between_official_and_reconstructed():
    assert list(trust.STATUS_WORDS) == ["official", "stated", "reconstructed", "estimate"]
    frame = pd.DataFrame({"year": [2016, 2015, 2014], "status": ["reconstructed", "stated", "official"]})
    assert trust.describe_status(frame) == (
        "Data status: official figures (2014); the bulletin's own figures, as its text states "
        "them, not official (2015); reconstructed by this project where no figure is published, "
        "not official (2016)."
    )


@pytest.mark.parametrize(
    ("frame", "claim", "basis"),
    [
        (rows(("official", "WDR")), "C3", "official"),
        (rows(("stated", "Milestones")), "C17", "stated"),
        (rows(("reconstructed", MADE + " (C1)")), "C1", "reconstructed"),
        (rows(("reconstructed", FROM_OFFICIAL)), "C1", "reconstructed"),  # not circular, not evidence
        (rows(("reconstructed", MADE + " (claims C2-C6)")), "C4", "reconstructed"),
        (rows(("reconstructed", MADE + " (claims C2-C6)")), "C9", "reconstructed"),  # other claims
        (rows(("official", "WDR"), ("reconstructed", MADE + " (C6)")), "C6", "mixed"),
        (rows(("official", "WDR"), ("stated", "Milestones")), "C16", "mixed"),
        (rows(("stated", "Milestones"), ("reconstructed", MADE + " (C15)")), "C15", "reconstructed"),
        (rows(("stated", "Milestones"), ("reconstructed", MADE + " (C9)")), "C15", "mixed"),
        (rows(("estimate", "a model")), "C8", "reconstructed"),
        (rows(), "C8", "stated"),  # no figure at all: the bulletin's words are all there is
    ],
)
def test_claim_basis_from_the_statuses_of_the_rows_used(frame, claim, basis):
    assert claim_basis(frame, claim) == basis


def test_a_reconstruction_naming_no_claim_rests_on_official_figures_alone():
    basis = basis_of(rows(("reconstructed", FROM_OFFICIAL)), "C9")
    assert basis.basis == "reconstructed" and not basis.from_this_statement
    assert basis.rows == {"reconstructed_from_official": 1}
    assert basis.words() == (
        "Not evidence: the figures were reconstructed by this project from official figures of "
        "other years (interpolated or carried), not published."
    )
    mixed = basis_of(rows(("official", "WDR"), ("reconstructed", FROM_OFFICIAL)), "C9")
    assert mixed.words() == (
        "Partly official (1 of 2 figures), partly reconstructed from official figures of other "
        "years (1 of 2 figures)."
    )


def test_a_reconstruction_names_the_claims_it_rests_on():
    assert trust.claims_named("made from C9-C11 and C14") == {"C9", "C10", "C11", "C14"}
    assert trust.claims_named("UNODC, WDR 2024, table 10.1; CARICC") == set()
    this = basis_of(rows(("reconstructed", MADE + " (C2-C6)")), "C4")
    assert this.from_this_statement and this.rows == {"reconstructed_from_claim": 1}
    other = basis_of(rows(("reconstructed", MADE + " (C2-C6)")), "C9")
    assert not other.from_this_statement and other.other_claims == ("C2", "C3", "C4", "C5", "C6")
    assert other.words() == (
        "Not evidence: the figures were reconstructed by this project from other statements of "
        "the bulletin (C2, C3, C4, C5 and C6), not published."
    )


@pytest.mark.parametrize(
    ("frame", "holds", "words"),
    [
        (rows(("official", "WDR")), True, "Checked against official figures."),
        (rows(("stated", "M")), True, "Only the bulletin's own figures exist: the check is against "
                                      "the bulletin itself, not an independent source."),
        (rows(("reconstructed", MADE + " (C1)")), True,
         "Holds by construction: the figures were reconstructed from this statement."),
        (rows(("reconstructed", MADE + " (C1)")), False,
         "The figures were reconstructed from this statement, and still do not bear it out."),
        (rows(("official", "WDR"), ("official", "WDR"), ("reconstructed", MADE + " (C1)")), True,
         "Partly official (2 of 3 figures), partly reconstructed from this statement (1 of 3 "
         "figures)."),
    ],
)
def test_basis_in_words(frame, holds, words):
    assert basis_of(frame, "C1").words(holds) == words


def test_claim_record_composes_the_verdict_and_keeps_the_rows_counted():
    record = claim_record("C6", "RUS > CA", {"x": 1}, True, "Russia seized more.",
                          rows(("official", "WDR"), ("reconstructed", MADE + " (C6)")))
    assert record == {
        "claim_id": "C6", "statement": "RUS > CA",
        "values": {"x": 1, "basis_rows": {"official": 1, "reconstructed_from_claim": 1}},
        "holds": True, "basis": "mixed",
        "verdict": "Russia seized more. Partly official (1 of 2 figures), partly reconstructed "
                   "from this statement (1 of 2 figures).",
        "issue": "2017-Q2",  # whose statement it is: the issue whose text the project holds
    }
    assert claim_record("C6", "RUS > CA", {}, True, "", rows(("official", "WDR")),
                        issue=Quarter(2017, 3))["issue"] == "2017-Q3"
    untestable = claim_record("C8", "Afghan cannabis", {}, None, "", rows(("official", "IDS")),
                              not_testable="IDS holds no cannabis cases")
    assert untestable["holds"] is None and untestable["basis"] == "official"
    assert untestable["verdict"] == (
        "Not testable on public data: IDS holds no cannabis cases. The figures examined are "
        "official."
    )


def test_data_shares_of_rows_and_quantity_by_status():
    frame = pd.DataFrame({
        "year": [2014, 2015, 2016, 2016],
        "count": [10, 30, 40, 20],
        "status": ["reconstructed", "official", "official", "stated"],
    })
    shares = data_shares(frame)
    assert shares["rows"] == 4 and shares["quantity"] == "count" and shares["quantity_total"] == 100
    assert shares["statuses"] == {
        "official": {"rows": 2, "rows_pct": 50.0, "quantity": 70.0, "quantity_pct": 70.0,
                     "years": "2015-2016"},
        "stated": {"rows": 1, "rows_pct": 25.0, "quantity": 20.0, "quantity_pct": 20.0,
                   "years": "2016"},
        "reconstructed": {"rows": 1, "rows_pct": 25.0, "quantity": 10.0, "quantity_pct": 10.0,
                          "years": "2014"},
    }
    assert data_shares(frame.iloc[0:0])["statuses"] == {}
    assert data_shares(frame, quantity=None)["quantity"] == "count"  # found by name
    assert data_shares(frame.drop(columns="count"))["quantity"] is None
    cases = pd.DataFrame({"date": ["2011-03-01", "2016", None], "kg": [1.0, 2.0, 3.0],
                          "status": ["official"] * 3})
    assert data_shares(cases)["statuses"]["official"]["years"] == "2011, 2016"


def test_least_trusted_of_a_joined_status():
    assert trust.least_trusted("official+stated") == "stated"
    assert trust.least_trusted("stated+reconstructed") == "reconstructed"


def test_flagged_rows_read_from_the_provenance_record_and_absent_without_one(tmp_path: Path):
    assert trust.flagged_rows("drug_arrests", tmp_path) == []
    folder = tmp_path / "provenance"
    folder.mkdir()
    flag = {"key": {"country": "KGZ", "year": 2016}, "values": {"adults": 816}, "reason": "low"}
    record = {"table": "drug_arrests", "records": [
        {"file": "wdr2022.xlsx", "sources": ["UNODC, WDR 2022"], "table": "WDR 2022, table 10.1",
         "flagged": [flag]},
        {"file": "wdr2024.xlsx", "sources": ["UNODC, WDR 2024"]},
    ]}
    (folder / "drug_arrests.json").write_text(json.dumps(record))
    flags = trust.flagged_rows("drug_arrests", tmp_path)
    assert len(flags) == 1
    assert {k: flags[0][k] for k in ("key", "values", "reason")} == flag


@pytest.mark.parametrize(
    ("values", "statuses", "rel_tol", "hidden"),
    [
        # a figure carried back unchanged over reconstructed years: not drawn
        ([34.0, 34.0, 34.0, 40.0], ["reconstructed"] * 3 + ["official"], 1e-9,
         [True, True, True, False]),
        # a reconstructed year that copies the official year beside it
        ([3079.0, 3079.0, 3158.0], ["reconstructed", "official", "official"], 1e-9,
         [True, False, False]),
        # official figures that happen to repeat are measures: drawn
        ([5.0, 5.0], ["official", "official"], 1e-9, [False, False]),
        # a straight line between official years is a reconstruction, not a repetition
        ([10.0, 12.0, 14.0, 16.0], ["official", "reconstructed", "reconstructed", "official"],
         1e-9, [False, False, False, False]),
        # a share held flat whose counts were rounded: flat within 2%
        ([7.001, 6.998, 7.003], ["reconstructed"] * 3, 0.02, [True, True, True]),
        ([7.0, float("nan"), 7.0], ["reconstructed", "", "reconstructed"], 1e-9,
         [False, False, False]),
    ],
)
def test_repeated_reconstructed_values_are_found(values, statuses, rel_tol, hidden):
    assert repeated_reconstructed(values, statuses, rel_tol=rel_tol) == hidden
