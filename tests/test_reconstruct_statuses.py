"""The status vocabulary: ``stated`` between ``official`` and ``reconstructed``, accepted by every
table and by the cases importer; the shipped rows transcribed from the bulletin say ``stated``."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.data.schemas import STATUSES
from bulletin.data.tables import TableError, load_table, write_table


def test_statuses_in_order_of_trust():
    assert STATUSES == ("official", "stated", "reconstructed", "estimate")


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_is_accepted_by_a_table_and_the_cases_reader(tmp_path, status):
    row = pd.DataFrame(
        {"country": ["KGZ"], "year": [2016], "quarter": [1], "drug": ["heroin"], "kg": [1.0],
         "source": ["test"], "status": [status]}
    )
    write_table("seizures_quarterly", row, tmp_path)
    assert load_table("seizures_quarterly", tmp_path)["status"].tolist() == [status]
    from bulletin.data import cases  # checks statuses with bulletin.data.schemas.STATUSES

    (tmp_path / "seizure_cases.csv").write_text(
        "case_id,date,country,drug,kg,producing_country,departure_country,transit_countries,"
        f"destination_country,source,status\nA1,2016-01-02,KGZ,heroin,1.5,AFG,,,,test,{status}\n"
    )
    assert cases.read_cases(tmp_path).column("status").to_pylist() == [status]


def test_an_unknown_status_is_refused_naming_the_vocabulary(tmp_path):
    (tmp_path / "seizures_quarterly.csv").write_text(
        "country,year,quarter,drug,kg,source,status\nKGZ,2016,1,heroin,1.0,test,told\n"
    )
    with pytest.raises(TableError, match="official, stated, reconstructed, estimate"):
        load_table("seizures_quarterly", tmp_path)


def test_rows_transcribed_from_the_bulletin_are_stated():
    activities = load_table("activities")
    assert set(activities["status"]) == {"stated"}
    assert activities["source"].str.startswith("UNODC ROCA, Milestones").all()
    indicators = load_table("indicators")
    from_bulletin = indicators["source"].str.startswith("UNODC ROCA, Milestones")
    assert from_bulletin.sum() == 5
    assert set(indicators.loc[from_bulletin, "status"]) == {"stated"}
    assert "stated" not in set(indicators.loc[~from_bulletin, "status"])
