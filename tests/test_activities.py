"""bulletin.analyses.activities (analysis 11), the activities.csv contract, and the wording it uses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from bulletin.analyses import activities, activities_claims, activity_participants
from bulletin.core.paths import DATA_DIR
from bulletin.core.periods import Quarter
from bulletin.core.sentences import describe_partial_date
from bulletin.core.wording import describe_stated_count, qualifier_of_sum
from bulletin.data.schemas import partial_date_bounds
from bulletin.data.tables import TableError, load_table, table_spec
from bulletin.publish.report import table_facts, table_figure_html

Q2_2017 = Quarter(2017, 2)


def frame(rows: list[dict]) -> pd.DataFrame:
    """Activities with every column of the table; unset cells empty."""
    table = pd.DataFrame(rows).reindex(columns=table_spec("activities").columns)
    table = table.astype(object).where(table.notna(), None)
    for column in ("participants_on_site", "participants_remote", "duration_days"):
        table[column] = pd.array(table[column], dtype="Int64")
    return table.assign(issue=table["issue"].fillna("2017-Q2"), source="test", status="official")


@pytest.fixture
def issue_rows() -> pd.DataFrame:
    return frame(
        [
            {
                "id": "2017-Q2-01",
                "title": "Undated meeting",
                "kind": "meeting",
                "theme": "border control",
                "city": "Tbilisi",
                "country": "GEO",
                "participating_countries": "AZE;GEO;KAZ",
                "organisers": "UNODC;WCO",
                "donors": "Government of Japan",
            },
            {
                "id": "2017-Q2-02",
                "start_date": "2017-07-28",
                "end_date": "2017-07-28",
                "title": "Round table",
                "kind": "round table",
                "theme": "prisons",
                "city": "Tashkent",
                "country": "UZB",
                "participants_on_site": 70,
                "participants_remote": 100,
                "participants_remote_qualifier": "more than",
                "participating_countries": "UZB",
                "partners": "UNODC",
            },
            {
                "id": "2017-Q2-03",
                "start_date": "2017-06",
                "end_date": "2017-06",
                "title": "Workshop",
                "kind": "workshop",
                "theme": "crime statistics",
                "country": "KGZ",
                "participants_on_site": 50,
                "participants_on_site_qualifier": "over",
                "participating_countries": "KGZ",
                "organisers": "UNODC",
            },
            {
                "id": "2017-Q2-04",
                "start_date": "2017-03",
                "end_date": "2017-03",
                "title": "Round one",
                "kind": "training",
                "theme": "policing",
                "city": "Osh",
                "country": "KGZ",
                "series": "s1",
                "participating_countries": "KGZ",
            },
            {
                "id": "2017-Q2-05",
                "start_date": "2017-04-25",
                "end_date": "2017-04-28",
                "title": "Round two",
                "kind": "training",
                "theme": "policing",
                "city": "Issyk-Kul",
                "country": "KGZ",
                "series": "s1",
                "participants_on_site": 200,
                "participants_scope": "series",
                "participating_countries": "KGZ",
            },
            {
                "id": "2017-Q1-01",
                "start_date": "2017-02",
                "title": "Earlier issue",
                "kind": "seminar",
                "theme": "corruption",
                "participants_on_site": 9,
                "issue": "2017-Q1",
            },
        ]
    )


# --- placing activities against the quarter ---------------------------------------------------


def test_partial_dates_keep_their_precision():
    assert partial_date_bounds("2017") == (
        pd.Timestamp("2017-01-01").date(),
        pd.Timestamp("2017-12-31").date(),
    )
    assert partial_date_bounds("2016-02")[1].day == 29
    for bad in ("2017-13", "2017-02-30", "17-06", "2017/06", "June 2017"):
        with pytest.raises(ValueError):
            partial_date_bounds(bad)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2017-04-25", "2017-04-28", activities.IN_QUARTER),
        ("2017-06", "2017-06", activities.IN_QUARTER),
        ("2017-03", "2017-03", activities.BEFORE_QUARTER),
        ("2017-07-28", None, activities.AFTER_QUARTER),
        ("2017-06-29", "2017-07-02", activities.ACROSS_QUARTER),
        (
            "2017",
            None,
            activities.ACROSS_QUARTER,
        ),  # a year only: it may or may not be in the quarter
        (None, None, activities.NO_DATE),
    ],
)
def test_timing(start, end, expected):
    assert activities.timing(start, end, Q2_2017) == expected


def test_activities_of_issue_in_date_order_undated_last(issue_rows):
    rows = activities.activities_of_issue(issue_rows, Q2_2017)
    assert list(rows["id"]) == [
        "2017-Q2-04",
        "2017-Q2-05",
        "2017-Q2-03",
        "2017-Q2-02",
        "2017-Q2-01",
    ]
    assert list(rows["timing"]) == [
        activities.BEFORE_QUARTER,
        activities.IN_QUARTER,
        activities.IN_QUARTER,
        activities.AFTER_QUARTER,
        activities.NO_DATE,
    ]


def test_an_issue_without_activities_is_empty_and_says_so(issue_rows):
    rows = activities.activities_of_issue(issue_rows, Quarter(2016, 4))
    assert rows.empty
    assert "No activities of the October-December 2016 issue (2016-Q4)" in (
        activities.no_activities_message(Quarter(2016, 4))
    )
    assert activities.key_figures(rows, Quarter(2016, 4)) == []


def test_activities_up_to_issue(issue_rows):
    assert list(activities.activities_up_to_issue(issue_rows, Quarter(2017, 1))["id"]) == [
        "2017-Q1-01"
    ]
    assert len(activities.activities_up_to_issue(issue_rows, Q2_2017)) == 6


# --- participants, qualifiers carried -----------------------------------------------------------


def test_totals_count_each_figure_once_and_carry_qualifiers(issue_rows):
    rows = activities.activities_of_issue(issue_rows, Q2_2017)
    assert activity_participants.participant_totals(rows) == {
        "on_site": 320,
        "on_site_qualifier": "over",
        "remote": 100,
        "remote_qualifier": "more than",
        "total": 420,
        "total_qualifier": "more than",
        "activities_without_figure": 1,  # the undated meeting; round one is in its series' 200
    }


def test_participants_by_theme_and_kind(issue_rows):
    rows = activities.activities_of_issue(issue_rows, Q2_2017)
    by_theme = activity_participants.participants_by(rows, "theme").set_index("theme")
    assert list(by_theme.index) == ["border control", "prisons", "crime statistics", "policing"]
    assert by_theme.loc["policing", "activities"] == 2
    assert by_theme.loc["policing", "total"] == 200
    assert by_theme.loc["prisons", "total_qualifier"] == "more than"
    assert by_theme.loc["crime statistics", "total_qualifier"] == "over"
    shown = activity_participants.format_participants_by(activity_participants.participants_by(rows, "theme"), "theme")
    shown = shown.set_index("Theme")
    assert shown.loc["Prisons", "Participants in all"] == "more than 170"
    assert shown.loc["Crime statistics", "Participants on site"] == "over 50"
    assert shown.loc["Border control", "Participants in all"] == "not given"
    assert shown.loc["Crime statistics", "Participants remote"] == "–"
    with pytest.raises(ValueError, match="theme"):
        activity_participants.participants_by(rows, "city")


def test_participants_words_never_give_a_round_the_series_figure(issue_rows):
    table = activities.date_ordered_table(activities.activities_of_issue(issue_rows, Q2_2017))
    words = dict(zip(table["Activity"], table["Participants"], strict=True))
    assert words["Round one"] == "not given for this round (200 across the rounds)"
    assert words["Round two"] == "200 across the rounds"
    assert words["Round table"] == "70 on site and more than 100 remote"
    assert words["Workshop"] == "over 50"
    assert words["Undated meeting"] == "not given"
    assert list(table["Dates"]) == [
        "March 2017",
        "25-28 April 2017",
        "June 2017",
        "28 July 2017",
        "date not given",
    ]


def test_summary_sentences_carry_qualifiers(issue_rows):
    text = activities.summary_sentences(
        activities.activities_of_issue(issue_rows, Q2_2017), Q2_2017
    )
    assert text == (
        "The April-June 2017 issue (2017-Q2) reports five activities: two in the quarter, one "
        "before it, one after it and one without a date in the text. They brought together more "
        "than 420 participants (over 320 on site, more than 100 remote) from five countries. One "
        "activity gives no number of participants, so the total is a floor."
    )


def test_countries_partners_and_donors(issue_rows):
    rows = activities.activities_of_issue(issue_rows, Q2_2017)
    countries = activities.countries_taking_part(rows).set_index("country")
    assert countries.loc["KGZ", "activities"] == 3
    assert countries.loc["KGZ", "hosted"] == 3
    assert countries.loc["GEO", "hosted"] == 1
    assert set(countries.index) == {"AZE", "GEO", "KAZ", "KGZ", "UZB"}
    roles = activities.partners_and_donors(rows)
    unodc = roles[(roles["role"] == "Organiser") & (roles["name"] == "UNODC")].iloc[0]
    assert unodc["activities"] == 2
    assert set(roles["role"]) == {"Organiser", "Partner", "Donor"}


def test_key_figures(issue_rows):
    rows = activities.activities_of_issue(issue_rows, Q2_2017)
    figures = {f["name"]: f for f in activities.key_figures(rows, Q2_2017)}
    assert figures["milestones_activities"]["value"] == 5
    assert figures["milestones_activities_in_quarter"]["value"] == 2
    assert figures["milestones_participants_total"]["value"] == 420
    assert figures["milestones_participants_total"]["unit"] == "participants (more than: a floor)"
    assert figures["milestones_countries_taking_part"]["value"] == 5
    assert all(name.startswith("milestones_") for name in figures)


def test_titles_are_text_never_markup(issue_rows):
    rows = issue_rows.copy()
    rows.loc[1, "title"] = "<script>alert('x')</script> & <b>bold</b>"
    table = activities.date_ordered_table(activities.activities_of_issue(rows, Q2_2017))
    page = table_figure_html(table_facts(table, "Activities"))
    assert "<script>" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;" in page


# --- claim C19 on a copy of the shipped rows ------------------------------------------------------


def test_claim_c19_holds_on_the_shipped_table_and_fails_when_a_figure_moves():
    shipped = load_table("activities", DATA_DIR)
    claim = activities_claims.check_claim_c19(shipped)
    assert claim["holds"], claim["verdict"]
    assert claim["values"]["prisons round table: remote"] == [100, "more than"]
    assert claim["values"]["dated_outside_quarter"] == 2
    assert claim["values"]["without_date"] == 2
    moved = shipped.copy()
    moved.loc[moved["theme"] == "crime statistics", "participants_on_site_qualifier"] = None
    failed = activities_claims.check_claim_c19(moved)
    assert not failed["holds"]
    assert "crime statistics workshop on_site" in failed["verdict"]


# --- the table's contract: the shipped rows, and bad rows refused with their line named -----------


def test_shipped_activities_follow_the_contract():
    table = load_table("activities", DATA_DIR)
    assert table["id"].is_unique
    # transcribed from the issue's own text: the bulletin's figures, not official ones
    assert set(table["status"]) == {"stated"}
    assert set(table["source"]) == {"UNODC ROCA, Milestones 2017-Q2 (April-June 2017)"}
    # totals are computed, never stored
    assert not any("total" in column for column in table.columns)


def _copy_with(tmp_path: Path, line: int, column: str, value: str) -> Path:
    """A copy of the shipped activities.csv with one cell changed (line 2 is the first row)."""
    shutil.copy(DATA_DIR / "activities.csv", tmp_path / "activities.csv")
    raw = pd.read_csv(tmp_path / "activities.csv", dtype=str, keep_default_na=False)
    raw.loc[line - 2, column] = value
    raw.to_csv(tmp_path / "activities.csv", index=False)
    return tmp_path


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("country", "Kyrgyzstan"),
        ("country", "XKX"),
        ("participating_countries", "KAZ;KGZ;XYZ"),
        ("participating_countries", "KAZ,KGZ"),
        ("participating_countries", "KAZ;KAZ"),
        ("start_date", "2017-13"),
        ("start_date", "2017-02-30"),
        ("start_date", "28 July 2017"),
        ("end_date", "2017-6-30"),
        ("participants_on_site_qualifier", "roughly"),
        ("theme", "gender"),
    ],
)
def test_a_malformed_cell_is_refused_with_its_line_and_column(tmp_path, column, value):
    data_dir = _copy_with(tmp_path, 4, column, value)
    with pytest.raises(TableError) as error:
        load_table("activities", data_dir)
    message = str(error.value)
    assert f"line 4, column '{column}'" in message
    assert repr(value) in message


def test_an_end_before_the_start_is_refused_with_its_line(tmp_path):
    data_dir = _copy_with(tmp_path, 3, "end_date", "2017-07-01")  # line 3 starts 2017-07-28
    with pytest.raises(TableError, match="line 3") as error:
        load_table("activities", data_dir)
    assert "no earlier than the start_date" in str(error.value)


def test_a_qualifier_without_a_number_is_refused(tmp_path):
    data_dir = _copy_with(tmp_path, 2, "participants_on_site_qualifier", "over")  # no figure
    with pytest.raises(TableError, match="line 2") as error:
        load_table("activities", data_dir)
    assert "only beside a number" in str(error.value)


# --- the wording functions the page uses -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "qualifier", "noun", "expected"),
    [
        (100, "more than", "participants", "more than 100 participants"),
        (50, "over", "specialists", "over 50 specialists"),
        (70, None, "participants", "70 participants"),
        (70, "", "", "70"),
        (70, "exact", "", "70"),
        (8, None, "countries", "eight countries"),
        (3500, "over", "cases", "over 3,500 cases"),
    ],
)
def test_describe_stated_count_carries_the_qualifier(value, qualifier, noun, expected):
    assert describe_stated_count(value, qualifier, noun) == expected


def test_describe_stated_count_refuses_what_is_not_a_stated_count():
    for bad in (None, -1, 2.5, float("nan")):
        with pytest.raises(ValueError):
            describe_stated_count(bad)
    with pytest.raises(ValueError, match="qualifier"):
        describe_stated_count(10, "roughly")


@pytest.mark.parametrize(
    ("qualifiers", "expected"),
    [
        ([None, None], None),
        ([None, "over"], "over"),
        (["more than", "more than"], "more than"),
        (["over", "more than", None], "more than"),
        (["almost", None], "almost"),
        (["almost", "over"], "about"),
        (["about", None], "about"),
        ([], None),
    ],
)
def test_qualifier_of_sum(qualifiers, expected):
    assert qualifier_of_sum(qualifiers) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2017-04-25", "2017-04-28", "25-28 April 2017"),
        ("2017-06-29", "2017-06-30", "29-30 June 2017"),
        ("2017-06-29", "2017-07-02", "29 June-2 July 2017"),
        ("2016-12-30", "2017-01-02", "30 December 2016-2 January 2017"),
        ("2017-06", "2017-06", "June 2017"),
        ("2017-06", None, "June 2017"),
        ("2017-05", "2017-06", "May-June 2017"),
        ("2017", None, "2017"),
        (None, None, "date not given"),
        (pd.NA, pd.NA, "date not given"),
    ],
)
def test_describe_partial_date(start, end, expected):
    assert describe_partial_date(start, end) == expected


def test_describe_partial_date_refuses_other_forms():
    for bad in ("28 July 2017", "2017-13", "2017/06"):
        with pytest.raises(ValueError):
            describe_partial_date(bad)
