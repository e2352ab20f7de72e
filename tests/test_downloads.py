"""bulletin.publish.downloads and chart_colours: what a page offers to take away, what colours mean."""

from __future__ import annotations

import csv
import io
import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from bulletin.publish import chart_colours, downloads  # noqa: E402

WDR18 = "UNODC, World Drug Report 2018, statistical annex: drug seizures 2012-2016"
WDR24 = "UNODC, World Drug Report 2024, statistical annex, table 7.1: drug seizures 2018-2022"
REBUILT = ("reconstructed by bulletin.reconstruct.seizures_quarterly: the official annual figure "
           f"({WDR18}) split into quarters")


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_one_source_goes_from_the_rows_to_the_package_once():
    text = _csv([["year", "kg", "source"], ["2016", "5", WDR18], ["2017", "6", WDR18]])
    compact, sources = downloads.compact_csv(text)
    assert compact == "year,kg\n2016,5\n2017,6\n" and sources == [WDR18]


def test_rows_of_several_publications_keep_a_short_name_each():
    text = _csv([["year", "kg", "source"], ["2016", "5", WDR18], ["2019", "6", WDR24],
                 ["2017", "1", REBUILT]])
    compact, sources = downloads.compact_csv(text)
    rows = list(csv.reader(io.StringIO(compact)))
    assert rows[0] == ["year", "kg", "source"]
    assert [r[2] for r in rows[1:]] == [
        "UNODC, World Drug Report 2018",
        "UNODC, World Drug Report 2024, annex table 7.1",
        "UNODC, World Drug Report 2018; reconstructed by this project",
    ]
    assert sources == sorted([WDR18, WDR24, REBUILT])


def test_a_csv_without_a_source_column_is_kept_as_it_is():
    assert downloads.compact_csv("a,b\n1,\"x, y\"\n") == ("a,b\n1,\"x, y\"\n", [])


def test_a_page_s_downloads_and_their_package():
    page = downloads.PageDownloads("03_cannabis", "Cannabis")
    links = page.add_chart("figure-1-x", "Figure 1. X", {"csv": "a\n1\n", "source": "Source: S.",
                                                         "status": "Data status: official."},
                           "<svg/>", b"\x89PNG")
    assert links.count("<a ") == 3 and 'href="downloads/03_cannabis/figure-1-x.png"' in links
    assert page.add_table("table-1-y", "Table 1. Y", {"csv": ""}) == ""
    files = page.all_files()
    assert set(files) == {f"downloads/03_cannabis/{n}" for n in
                          ("figure-1-x.png", "figure-1-x.svg", "figure-1-x.csv", "datapackage.json")}
    package = json.loads(files["downloads/03_cannabis/datapackage.json"])
    assert package["name"] == "03_cannabis" and package["title"] == "Cannabis"
    (resource,) = package["resources"]
    assert resource["path"] == "figure-1-x.csv"
    assert resource["description"] == "Source: S. Data status: official."


@pytest.fixture
def figure():
    fig, ax = plt.subplots()
    yield fig, ax
    plt.close(fig)


def test_one_series_means_nothing_by_its_colour(figure):
    fig, ax = figure
    ax.bar(["a", "b"], [1, 2], color="#0173b2")
    assert chart_colours.encoded_colours(fig) == []


def test_two_series_need_a_legend_and_hollow_points_are_their_line_s_colour(figure):
    fig, ax = figure
    (line,) = ax.plot([1, 2, 3], [1, 2, 3], color="#0173b2", label="Women")
    ax.plot([1, 2, 3], [1, 2, 3], linestyle="none", marker="o", markerfacecolor="white",
            markeredgecolor=line.get_color())  # the hollow (reconstructed) points of the same line
    (men,) = ax.plot([1, 2, 3], [3, 2, 1], color="#de8f05")
    assert chart_colours.encoded_colours(fig) == ["#0173b2", "#de8f05"]
    facts = {"title": "T", "legend": [], "colours": chart_colours.encoded_colours(fig)}
    assert chart_colours.colour_problems([facts]) == [
        "Figure 1 (T): #0173b2, #de8f05 are drawn but no legend names them"
    ]
    ax.legend([line, men], ["Women", "Men"])
    facts["legend"] = chart_colours.legend_entries(fig)
    assert facts["legend"] == [["Women", "#0173b2"], ["Men", "#de8f05"]]
    assert chart_colours.colour_problems([facts]) == []


def test_a_key_of_widths_in_one_colour_names_no_category():
    charts = [{"title": "Map", "legend": [["200 kg", "#555555"], ["2,000 kg", "#555555"]], "colours": []},
              {"title": "Bars", "legend": [["Heroin", "#555555"]], "colours": ["#555555"]}]
    assert chart_colours.colour_problems(charts) == []
