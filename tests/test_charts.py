"""bulletin.publish.charts: house style, and what a chart carries to its page (data, alt text, status)."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402

from bulletin.data.trust import describe_status  # noqa: E402
from bulletin.publish import chart_facts, charts, downloads, report  # noqa: E402

RECONSTRUCTED = describe_status(pd.DataFrame({"year": [2017], "status": ["reconstructed"]}))
OFFICIAL = describe_status(pd.DataFrame({"year": [2015, 2016], "status": ["official"] * 2}))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bars() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Country": ["Kazakhstan", "Kazakhstan", "Kyrgyzstan", "Kyrgyzstan"],
            "Drug": ["Heroin", "Opium", "Heroin", "Opium"],
            "Tons": [1.5, 2.0, 3.0, 0.25],
        }
    )


def _finished_bar_chart(**extra) -> plt.Figure:
    fig, ax = charts.new_chart()
    sns.barplot(data=_bars(), x="Country", y="Tons", hue="Drug", ax=ax)
    charts.mark_reconstructed(ax)
    charts.finish_chart(
        fig, ax, "Seizures (2017)", "Seizures (tons)", "Source: X.", RECONSTRUCTED, **extra
    )
    fig.canvas.draw()  # as the inline backend does before the page reads tick labels
    return fig


def test_chart_data_reads_back_bars_by_category_and_series():
    fig = _finished_bar_chart()
    expected = pd.DataFrame(
        {
            "Drug": ["Heroin", "Heroin", "Opium", "Opium"],
            "Country": ["Kazakhstan", "Kyrgyzstan", "Kazakhstan", "Kyrgyzstan"],
            "Seizures (tons)": [1.5, 3.0, 2.0, 0.25],
        }
    )
    pd.testing.assert_frame_equal(chart_facts.chart_data(fig), expected)


def test_chart_data_reads_back_horizontal_bars_and_lines():
    fig, ax = charts.new_chart()
    ax.barh(["a", "b"], [3, 4])
    ax.set_xlabel("Cases")
    fig.canvas.draw()
    frame = chart_facts.chart_data(fig)
    assert list(frame.columns) == ["category", "Cases"]
    assert frame["category"].tolist() == ["a", "b"] and frame["Cases"].tolist() == [3, 4]

    fig, ax = charts.new_chart()
    years = pd.DataFrame({"year": [2010, 2011] * 2, "v": [1, 2, 3, 4], "s": ["x", "x", "y", "y"]})
    sns.lineplot(data=years, x="year", y="v", hue="s", ax=ax)
    ax.axhline(2.5)  # a reference line is not data
    fig.canvas.draw()
    frame = chart_facts.chart_data(fig)
    assert frame.columns.tolist() == ["s", "year", "v"]
    assert frame.values.tolist() == [["x", 2010, 1], ["x", 2011, 2], ["y", 2010, 3], ["y", 2011, 4]]


def test_chart_data_of_several_panels_names_each_panel():
    fig, (left, right) = plt.subplots(1, 2)
    left.bar([2015, 2016], [1, 2])
    left.set_title("Heroin")
    right.bar([2015, 2016], [3, 4])
    right.set_title("Opium")
    frame = chart_facts.chart_data(fig)
    assert frame["panel"].tolist() == ["Heroin", "Heroin", "Opium", "Opium"]
    assert frame["category"].tolist() == [2015, 2016, 2015, 2016]


def test_empty_figure_has_no_data():
    fig, _ = charts.new_chart()
    assert chart_facts.chart_data(fig).empty


def test_metadata_of_a_finished_chart():
    meta = chart_facts.chart_facts(_finished_bar_chart(statuses=["reconstructed"]))
    assert meta["title"] == "Seizures (2017)"
    assert meta["finished"] is True and meta["units"] == "Seizures (tons)"
    assert meta["statuses"] == ["reconstructed"]
    assert meta["source"] == "Source: X." and meta["status"] == RECONSTRUCTED
    alt = meta["alt"]
    # What it shows, not how it is drawn (issue 17): no "Bar chart", the extremes with their unit.
    assert alt.startswith("Seizures (2017). Seizures (tons) by drug and country: ")
    assert "Heroin and Opium; Kazakhstan and Kyrgyzstan." in alt
    assert "Largest: 3 tons (Heroin, Kyrgyzstan); smallest: 0.25 tons (Opium, Kyrgyzstan)." in alt
    assert "not official" in alt
    # The source and status are said once beside the data (datapackage.json), not on every row.
    csv = pd.read_csv(io.StringIO(meta["csv"]))
    assert csv.columns.tolist() == ["Drug", "Country", "Seizures (tons)"]


def test_given_data_and_alt_text_are_used():
    rows = _bars().assign(status=["official", "official", "reconstructed", "reconstructed"])
    meta = chart_facts.chart_facts(_finished_bar_chart(data=rows, alt="Four bars."))
    assert meta["alt"] == "Four bars."
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(meta["csv"])), rows)
    assert meta["statuses"] == ["official", "reconstructed"]


def test_metadata_of_a_chart_never_finished():
    fig, ax = plt.subplots()
    ax.plot([2010, 2011], [5, 6], label="Heroin")
    ax.set_title("Raw chart")
    fig.canvas.draw()
    meta = chart_facts.chart_facts(fig)
    assert meta["finished"] is False and meta["units"] == ""
    assert meta["title"] == "Raw chart" and meta["alt"].startswith("Raw chart. ")
    assert meta["statuses"] == []


def test_statuses_of_a_chart_are_given_else_its_data_column_else_none():
    data = pd.DataFrame({"status": ["reconstructed", "official"]})
    assert chart_facts.statuses_of(data, ["stated", "official"]) == ["official", "stated"]
    assert chart_facts.statuses_of(data, []) == []  # given, even empty, wins over the column
    assert chart_facts.statuses_of(data) == ["official", "reconstructed"]
    assert chart_facts.statuses_of(pd.DataFrame({"Tons": [1.0]})) == []
    assert chart_facts.statuses_of(pd.DataFrame()) == []


def test_the_status_sentence_is_never_read_for_the_statuses():
    # The sentence names reconstructed figures: reading it would give ["reconstructed"].
    given = chart_facts.chart_facts(_finished_bar_chart(statuses=["official"]))
    assert given["status"] == RECONSTRUCTED and given["statuses"] == ["official"]
    assert chart_facts.chart_facts(_finished_bar_chart())["statuses"] == []
    official = chart_facts.chart_facts(_finished_bar_chart(data=_bars().assign(status="official")))
    assert official["statuses"] == ["official"]


def test_finish_chart_outside_a_kernel_only_styles_the_chart():
    fig = _finished_bar_chart()
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Seizures (2017)"
    assert ax.get_ylabel() == "Seizures (tons)"
    assert any("Source: X." in text.get_text() for text in fig.texts)
    assert all(patch.get_hatch() == charts.RECONSTRUCTED_HATCH for patch in ax.patches)


def test_chart_data_reads_back_heat_maps_by_row_and_column():
    import numpy as np

    fig, ax = plt.subplots()
    ax.imshow(np.array([[1, 0], [1, 1]]))
    ax.set_xticks([0, 1], ["2015", "2016"])
    ax.set_yticks([0, 1], ["KAZ", "KGZ"])
    fig.canvas.draw()
    assert chart_facts.chart_data(fig).values.tolist() == [
        ["KAZ", "2015", 1.0], ["KAZ", "2016", 0.0], ["KGZ", "2015", 1.0], ["KGZ", "2016", 1.0]
    ]
    fig, ax = plt.subplots()
    sns.heatmap(pd.DataFrame([[1, 2], [3, 4]], index=["a", "b"], columns=["x", "y"]), ax=ax)
    fig.canvas.draw()  # the colour bar is not a panel of data
    assert chart_facts.chart_data(fig).values.tolist() == [
        ["a", "x", 1.0], ["a", "y", 2.0], ["b", "x", 3.0], ["b", "y", 4.0]
    ]


def test_chart_data_keeps_named_lines_over_bars_and_reads_points_and_dates():
    fig, ax = plt.subplots()
    ax.bar([2015, 2016], [1, 2], label="Cases")
    ax.plot([2015, 2016], [1.5, 2.5], label="Trend")
    ax.plot([2015, 2015], [0, 3], color="black")  # an unnamed guide line is not data
    fig.canvas.draw()
    assert chart_facts.chart_data(fig).values.tolist() == [
        ["Cases", 2015, 1.0], ["Cases", 2016, 2.0], ["Trend", 2015, 1.5], ["Trend", 2016, 2.5]
    ]
    fig, ax = plt.subplots()
    ax.scatter([1, 2], [3, 4], label="cities")
    assert chart_facts.chart_data(fig).values.tolist() == [["cities", 1, 3.0], ["cities", 2, 4.0]]
    fig, ax = plt.subplots()
    ax.plot(pd.to_datetime(["2017-01-01", "2017-02-01"]), [3, 4])
    fig.canvas.draw()
    assert chart_facts.chart_data(fig)["category"].tolist() == ["2017-01-01", "2017-02-01"]


def test_a_chart_without_data_offers_no_empty_csv():
    fig, ax = charts.new_chart()
    ax.text(0.5, 0.5, "No data for this quarter")
    charts.finish_chart(fig, ax, "Nothing", "", "Source: X.", OFFICIAL)
    meta = chart_facts.chart_facts(fig)
    assert meta["csv"] == "" and meta["alt"] == f"Nothing. {OFFICIAL}"


def test_alt_text_of_a_large_heat_map_names_a_few_rows_and_says_how_many_more():
    import numpy as np

    fig, ax = plt.subplots()
    ax.imshow(np.arange(30).reshape(10, 3))
    ax.set_yticks(range(10), [f"indicator {i}" for i in range(10)])
    ax.set_xticks(range(3), ["2015", "2016", "2017"])
    fig.canvas.draw()
    alt = chart_facts.chart_facts(fig)["alt"]
    assert "value, 2015-2017: indicator 0, indicator 1," in alt and "indicator 7 and 2 more." in alt
    assert " by column" not in alt and " by row" not in alt
    assert "Largest: 29 (indicator 9, 2017); smallest: 1 (indicator 0, 2016)." in alt


def test_chart_download_never_carries_a_formula_a_spreadsheet_would_run():
    # Issue 12: text from the data reaches the chart's CSV download; a spreadsheet must not run it.
    rows = _bars().assign(Drug=['=HYPERLINK("http://evil.example","x")', "Opium", "-1", "@a"])
    meta = chart_facts.chart_facts(_finished_bar_chart(data=rows))
    csv = pd.read_csv(io.StringIO(meta["csv"]), dtype=str)
    assert csv["Drug"].tolist() == ['\'=HYPERLINK("http://evil.example","x")', "Opium", "-1", "'@a"]
    assert csv["Tons"].tolist() == ["1.5", "2", "3", "0.25"]  # at the precision of the data


def test_statuses_of_stated_figures_and_joined_statuses():
    assert chart_facts.statuses_of(pd.DataFrame(), ["stated"]) == ["stated"]
    data = pd.DataFrame({"status": ["official+reconstructed", "stated"]})
    assert chart_facts.statuses_of(data) == ["official", "stated", "reconstructed"]


def test_a_reconstructed_bar_is_drawn_apart_an_official_or_stated_one_is_not():
    fig, ax = charts.new_chart()
    bars = ax.bar([1, 2, 3, 4], [5, 5, 5, 5], color="#0072B2")
    for bar, status in zip(bars, ["official", "stated", "reconstructed", "official+estimate"],
                           strict=True):
        charts.style_bar(bar, status)
    hatches = [bar.get_hatch() for bar in bars]
    assert hatches == [None, None, charts.RECONSTRUCTED_HATCH, charts.RECONSTRUCTED_HATCH]
    assert bars[0].get_facecolor()[3] == 1.0
    assert bars[2].get_facecolor()[3] == pytest.approx(charts.RECONSTRUCTED_FILL_ALPHA)
    assert bars[2].get_edgecolor() == pytest.approx((0.0, 0.447, 0.698, 1.0), abs=1e-3)


def test_status_handles_say_not_official_for_every_status_but_official():
    labels = [h.get_label() for h in charts.status_handles(["reconstructed", "official+stated"])]
    assert labels == ["official", "stated in the bulletin (◆), not official",
                      "reconstructed, not official"]
    stated = charts.status_handles(["stated"])[0]
    assert stated.get_marker() == charts.STATED_MARKER


def test_mark_reconstructed_draws_every_bar_apart_and_says_so():
    fig, ax = charts.new_chart()
    ax.bar(["a", "b"], [1, 2])
    charts.mark_reconstructed(ax)
    assert {p.get_hatch() for p in ax.patches} == {charts.RECONSTRUCTED_HATCH}
    assert [t.get_text() for t in ax.texts] == ["Reconstructed figures, not official"]


def test_statuses_given_to_finish_chart_are_its_statuses():
    meta = chart_facts.chart_facts(_finished_bar_chart(statuses=["stated", "official"]))
    assert meta["statuses"] == ["official", "stated"]


class _Events:
    def __init__(self) -> None:
        self.callbacks = {"post_execute": ["the inline backend's flush"]}


class _Shell:
    kernel = object()

    def __init__(self) -> None:
        self.events = _Events()


def test_in_a_kernel_a_chart_is_one_output_where_it_was_finished(monkeypatch):
    import IPython.display

    shell, sent = _Shell(), []
    monkeypatch.setattr(charts, "_shell", lambda: shell)
    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, raw, display_id: sent.append(("display", obj, display_id)))
    monkeypatch.setattr(IPython.display, "update_display",
                        lambda obj, raw, metadata, display_id: sent.append(
                            ("update", obj, display_id, metadata)))
    fig = _finished_bar_chart(statuses=["reconstructed"])
    fig.axes[0].set_xlabel("Country of seizure")  # touched after finishing: the output shows it
    assert [kind for kind, *_ in sent] == ["display"]
    assert sent[0][1] == {"text/plain": ""}
    # Drawn first at the end of the cell, before the inline backend could show it again.
    assert shell.events.callbacks["post_execute"][0] is charts.draw_finished_charts
    assert plt.fignum_exists(fig.number)
    charts.draw_finished_charts()
    (kind, bundle, display_id, metadata) = sent[1]
    assert kind == "update" and display_id == sent[0][2]
    # Vector SVG (text kept as text) and a PNG at twice the density, shown at its page size.
    assert bundle["image/svg+xml"].startswith("<?xml") and "<text" in bundle["image/svg+xml"]
    png = base64.b64decode(bundle["image/png"])
    width, height = downloads.png_size(png)
    assert metadata == {"image/png": {"width": width // 2, "height": height // 2}}
    assert width > 9 * 100 * 1.5  # 9 inches at 200 dpi, cropped to what is drawn
    facts = bundle[report.CHART_MIMETYPE]
    assert facts["title"] == "Seizures (2017)" and facts["statuses"] == ["reconstructed"]
    assert "Country of seizure" in facts["csv"].splitlines()[0]
    assert not plt.fignum_exists(fig.number)  # closed: shown once, by its own output
    charts.draw_finished_charts()
    assert len(sent) == 2  # each chart is drawn once
    charts.finish_chart(*plt.subplots(), "Again", "", "", "")
    assert shell.events.callbacks["post_execute"].count(charts.draw_finished_charts) == 1
    charts.draw_finished_charts()


def test_value_axes_group_thousands_and_year_axes_do_not():
    # Issue 17: "15,000" on a value axis, never "2,010" on an axis of years.
    fig, ax = charts.new_chart()
    ax.plot([2010, 2016], [0, 15000])
    charts.group_thousands(fig)
    fig.canvas.draw()
    values = [tick.get_text() for tick in ax.get_yticklabels()]
    years = [tick.get_text() for tick in ax.get_xticklabels()]
    assert "10,000" in values and "0" in values
    assert "2010" in years and not any("," in year for year in years)
    plt.close(fig)


def test_chart_images_are_the_same_on_every_run_and_the_svg_keeps_its_text():
    # Issue 17: sharp charts to take away. The same figure gives the same bytes (no date, fixed
    # ids), so a render of the same data is the same; the SVG's words are text (searchable).
    svgs, pngs = [], []
    for _ in range(2):
        fig = _finished_bar_chart(statuses=["reconstructed"])
        svg, png = charts.chart_images(fig)
        plt.close(fig)
        svgs.append(svg)
        pngs.append(png)
    assert svgs[0] == svgs[1] and pngs[0] == pngs[1]
    assert "<dc:date>" not in svgs[0] and "Seizures (2017)</text>" in svgs[0]
    assert "Source: X.</text>" in svgs[0]  # the source line is drawn under the chart, once


def _long_note_chart(width: float):
    fig, ax = charts.new_chart(width, 3)
    ax.bar(["KAZ", "KGZ"], [1.0, 2.0])
    note = fig.text(0.0, -0.01, "Data status: " + "official figures for a country and a year; " * 6,
                    ha="left", va="top", fontsize=8.5, wrap=True)
    return fig, note


@pytest.mark.parametrize("width", [4.0, 9.0])
def test_a_wrapped_note_is_broken_once_where_matplotlib_breaks_it(width: float):
    # Issue 18: Matplotlib wrapped the note again, word by word, on every draw. It is broken once
    # now, at the same places as Matplotlib's own wrapping at the figure's dpi.
    fig, note = _long_note_chart(width)
    fig.canvas.draw()
    expected = note._get_wrapped_text()  # Matplotlib's own, as drawn at the figure's dpi
    plt.close(fig)
    fig, note = _long_note_chart(width)
    charts.wrap_text_once(fig)
    assert note.get_text() == expected and not note.get_wrap()
    assert note.get_text().count("\n") >= (3 if width == 4.0 else 1)
    plt.close(fig)


def test_an_opaque_charts_png_drops_only_its_alpha_channel():
    import numpy as np
    from PIL import Image

    from bulletin.publish import opaque_png

    def pixels(fig, **options):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=60, **options)
        image = Image.open(buffer)
        return image.mode, np.asarray(image.convert("RGBA"))

    fig = _finished_bar_chart(statuses=["official"])
    mode, ours = pixels(fig, backend=opaque_png.BACKEND)
    matplotlib_mode, theirs = pixels(fig)
    assert (mode, matplotlib_mode) == ("RGB", "RGBA")
    assert ours.shape == theirs.shape and (ours == theirs).all()  # the same pixels, every one
    # A figure with see-through pixels keeps its alpha channel.
    fig.patch.set_alpha(0.0)
    mode, ours = pixels(fig, backend=opaque_png.BACKEND)
    assert mode == "RGBA" and (ours == pixels(fig)[1]).all()
    plt.close(fig)
    # The PNG of a rendered chart is the opaque one.
    _, png = charts.chart_images(_finished_bar_chart(statuses=["official"]))
    assert Image.open(io.BytesIO(png)).mode == "RGB"


def test_a_chart_is_laid_out_once_drawn_twice_and_its_png_is_cropped_as_its_svg(monkeypatch):
    # Issue 18: savefig laid the chart out and drew it once more before each image, only to
    # measure it. Now it is laid out and measured once, then the SVG and the PNG are the only
    # drawings; both take the same box: the same width and height, each at its own density, with
    # the margin all round kept.
    import re

    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from PIL import Image

    fig = _finished_bar_chart(statuses=["official"])
    assert isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    drawings, layouts = [], []
    draw, execute = Figure.draw, ConstrainedLayoutEngine.execute

    def counted(self, renderer):
        drawings.append(type(renderer).__name__)
        return draw(self, renderer)

    def laid_out(self, figure):
        layouts.append(figure)
        return execute(self, figure)

    monkeypatch.setattr(Figure, "draw", counted)
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", laid_out)
    svg, png = charts.chart_images(fig)
    monkeypatch.undo()
    plt.close(fig)
    assert drawings == ["MixedModeRenderer", "RendererAgg"], drawings  # the SVG, then the PNG
    assert len(layouts) == 1
    width_pt, height_pt = (float(re.search(rf'{side}="([\d.]+)pt"', svg).group(1))
                           for side in ("width", "height"))
    pixels_per_pt = downloads.CHART_DPI * downloads.PNG_DENSITY / 72
    image = Image.open(io.BytesIO(png))
    assert abs(image.width - width_pt * pixels_per_pt) <= 1
    assert abs(image.height - height_pt * pixels_per_pt) <= 1
    ink = (np.asarray(image.convert("L")) < 250).nonzero()
    margin = downloads.CHART_DPI * downloads.PNG_DENSITY * plt.rcParams["savefig.pad_inches"]
    assert min(ink[0].min(), ink[1].min()) >= margin / 2  # nothing drawn is cut off
    assert image.height - 1 - ink[0].max() >= margin / 2
    assert image.width - 1 - ink[1].max() >= margin / 2
