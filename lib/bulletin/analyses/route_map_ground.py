"""The route map's ground: the region's countries, projected, and their names set clear of the legs.

The countries are Natural Earth's outlines (:mod:`bulletin.data.boundaries`), drawn in an Albers
equal-area conic projection centred on Central Asia (standard parallels 35° and 55° N), the
projection atlases use for a mid-latitude region as wide as this one: areas compare truly and
meridians converge northwards as on a globe. Land is light grey with white borders, the
bulletin's five countries a shade darker, the seas (the Caspian, the Aral, the Black Sea) pale blue;
no axes, ticks or grid.

Names are placed once the legs are drawn: each country's name goes to the spot, among candidates
around its place and inside its outline, that covers no leg, no place mark and no other name,
nearest its place (see :func:`name_countries`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from bulletin.data.boundaries import REGION, country_outlines
from bulletin.data.vocab import CENTRAL_ASIA, country_name

LAND = "#e6e6e6"
EMPHASIS = "#c9c9c9"  # the five countries: a shade darker
SEA = "#dce9f3"
BORDER = "white"
_RADIUS_KM = 6371.0
_LON0, _LAT0 = 70.0, 45.0
_PARALLELS = (35.0, 55.0)


def project(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Albers equal-area conic coordinates (km) of longitudes and latitudes (degrees).

    >>> [round(float(v), 6) for v in project(70.0, 45.0)]
    [0.0, 0.0]
    >>> x, y = project([60.0, 80.0], [45.0, 45.0])
    >>> bool(x[0] < 0 < x[1] and abs(x[0] + x[1]) < 1e-6)
    True
    """
    phi1, phi2 = (math.radians(p) for p in _PARALLELS)
    n = (math.sin(phi1) + math.sin(phi2)) / 2
    c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)
    rho0 = math.sqrt(c - 2 * n * math.sin(math.radians(_LAT0))) / n
    lam, phi = np.radians(np.asarray(lon, float) - _LON0), np.radians(np.asarray(lat, float))
    rho = np.sqrt(c - 2 * n * np.sin(phi)) / n
    theta = n * lam
    return _RADIUS_KM * rho * np.sin(theta), _RADIUS_KM * (rho0 - rho * np.cos(theta))


@lru_cache(maxsize=1)
def country_paths() -> dict[str, Path]:
    """Each country's outline as a projected matplotlib path (made once per process)."""
    paths = {}
    for code, outline in country_outlines().items():
        vertices, kinds = [], []
        for ring in outline.rings:
            x, y = project(ring[:, 0], ring[:, 1])
            vertices.append(np.column_stack([x, y]))
            kind = np.full(len(ring), Path.LINETO, dtype=Path.code_type)
            kind[0], kind[-1] = Path.MOVETO, Path.CLOSEPOLY
            kinds.append(kind)
        paths[code] = Path(np.concatenate(vertices), np.concatenate(kinds))
    return paths


@lru_cache(maxsize=1)
def country_boxes() -> dict[str, Bbox]:
    """Each projected outline's bounding box (made once per process)."""
    return {code: path.get_extents() for code, path in country_paths().items()}


def country_places(positions: pd.DataFrame) -> pd.DataFrame:
    """Where each country's legs start and end: its listed place, else a point inside it.

    Args:
        positions: listed places (``lat``, ``lon``, indexed by ISO3): the reference table's
            capitals.

    Returns:
        ``lon``, ``lat``, ``x``, ``y`` (projected) by ISO3: the listed places, and for the other
        countries of :data:`bulletin.data.boundaries.REGION` a point inside their largest part.
        A country in neither has no place (its legs are named under the map).
    """
    west, south, east, north = REGION
    inner = pd.DataFrame(
        [(code, *o.inner_point) for code, o in country_outlines().items()],
        columns=["iso3", "lon", "lat"],
    ).set_index("iso3")
    inner = inner[inner["lon"].between(west, east) & inner["lat"].between(south, north)]
    listed = positions[["lon", "lat"]].astype(float)
    places = pd.concat([listed, inner[~inner.index.isin(listed.index)]])
    x, y = project(places["lon"].to_numpy(), places["lat"].to_numpy())
    return places.assign(x=x, y=y)


def map_extent(places: pd.DataFrame) -> tuple[float, float, float, float]:
    """The box (x0, x1, y0, y1) showing these places and the five countries whole, with a margin."""
    boxes = country_boxes()
    corners = [boxes[c] for c in CENTRAL_ASIA if c in boxes]
    xs = [*places["x"], *(b.x0 for b in corners), *(b.x1 for b in corners)]
    ys = [*places["y"], *(b.y0 for b in corners), *(b.y1 for b in corners)]
    pad = 0.06 * max(max(xs) - min(xs), max(ys) - min(ys))
    return min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad


def draw_ground(ax: Axes, extent: tuple[float, float, float, float]) -> None:
    """Draw the countries within the extent, the five a shade darker; no axes, ticks or grid."""
    x0, x1, y0, y1 = extent
    seen = clipped_paths(extent)
    for codes, fill in (([c for c in seen if c not in CENTRAL_ASIA], LAND),
                        ([c for c in seen if c in CENTRAL_ASIA], EMPHASIS)):
        # One collection of paths per fill: drawn far faster than a patch per country. The limits
        # are set below (add_collection would widen them to Siberia's edge).
        countries = PathCollection([seen[c] for c in codes], facecolors=fill,
                                   edgecolors=BORDER, linewidths=0.8, zorder=0.5,
                                   transform=ax.transData)
        countries.set_gid("countries-" + "-".join(codes))
        ax.add_collection(countries, autolim=False)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_facecolor(SEA)
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_edgecolor("#9a9a9a")
        spine.set_linewidth(0.6)


@lru_cache(maxsize=8)
def clipped_paths(extent: tuple[float, float, float, float]) -> dict[str, Path]:
    """The outlines of the countries within an extent, cut at its edge (a little beyond it).

    A map then carries only what it shows: an SVG of it is not all of Siberia's coast.
    """
    x0, x1, y0, y1 = extent
    pad = 0.02 * max(x1 - x0, y1 - y0)
    frame = Bbox.from_extents(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    paths = country_paths()
    cut = {code: paths[code].clip_to_bbox(frame)
           for code, box in country_boxes().items() if _meets(box, extent)}
    return {code: path for code, path in cut.items() if len(path.vertices)}


def _meets(box: Bbox, extent: tuple[float, float, float, float]) -> bool:
    """Whether a bounding box and an extent (x0, x1, y0, y1) overlap."""
    x0, x1, y0, y1 = extent
    return not (box.x1 < x0 or box.x0 > x1 or box.y1 < y0 or box.y0 > y1)


def leg_points(ax: Axes) -> tuple[np.ndarray, np.ndarray]:
    """Points along every leg drawn on the axes (display pixels) and each one's half width.

    The legs are the arrows of the axes' annotations, read back from the figure as drawn (their
    paths after bending and shortening, arrow heads included), every 2 pixels.
    """
    points, widths = [np.empty((0, 2))], [np.empty(0)]
    scale = ax.figure.dpi / 72
    for text in ax.texts:
        arrow = getattr(text, "arrow_patch", None)
        if arrow is None:
            continue
        path = arrow.get_transform().transform_path(arrow.get_path())
        for line in path.to_polygons(closed_only=False):
            dense = _densify(np.asarray(line), 2.0)
            points.append(dense)
            widths.append(np.full(len(dense), arrow.get_linewidth() * scale / 2))
    return np.concatenate(points), np.concatenate(widths)


def _densify(line: np.ndarray, step: float) -> np.ndarray:
    """The line's vertices and points between them, no two further apart than ``step``."""
    if len(line) < 2:
        return line
    out = [line[:1]]
    for start, end in zip(line[:-1], line[1:], strict=True):
        count = max(1, math.ceil(float(np.hypot(*(end - start))) / step))
        out.append(start + np.outer(np.arange(1, count + 1) / count, end - start))
    return np.concatenate(out)


def name_countries(
    ax: Axes, places: pd.DataFrame, codes: Iterable[str], marks: np.ndarray | None = None,
    font_size: float = 9.0,
) -> list[Text]:
    """Write the countries' names where they cover no leg, no place mark and no other name.

    Called once the figure's layout is settled and its legs drawn (``draw_without_rendering``),
    since it works in display pixels. The five countries are named first, in bold, the smaller
    before the larger. Each name goes to the best of its candidates: 12 directions at 5
    distances around its place, points inside its outline within the map, and a grid of spots
    within 150 pixels of its place. A candidate is scored by the leg points under it (padded by
    the leg's half width), the names already placed it meets, whether it leaves the map, whether
    it stands in another named country (a name in its neighbour's land misleads), then its
    distance from the place; the best wins even when nothing is clear (the tests check that on
    the shipped data every name is clear of every leg). A name set away from both its place and
    its outline (a small country crowded by legs) gets a thin leader to its place.

    Args:
        ax: a map panel, legs drawn.
        places: ``x``, ``y`` of the countries (projected, by ISO3).
        codes: the countries to name.
        marks: display pixels of the place marks to keep clear (default: none).
        font_size: the five's names' size in points (the others' a point less).

    Returns:
        The names, as text artists (gid ``name-<ISO3>``).
    """
    boxes = country_boxes()
    # The five first, then the others; the smaller first, having the fewer spots inside them.
    codes = sorted(codes, key=lambda c: (c not in CENTRAL_ASIA,
                                         boxes[c].width * boxes[c].height if c in boxes else 0, c))
    renderer = ax.figure.canvas.get_renderer()
    leg_xy, leg_half = leg_points(ax)
    if marks is not None and len(marks):
        leg_xy = np.concatenate([leg_xy, marks])
        leg_half = np.concatenate([leg_half, np.full(len(marks), 3.0)])
    extent = (*ax.get_xlim(), *ax.get_ylim())
    board = _Board(leg_xy, leg_half, ax.get_window_extent(renderer), {
        code: ax.transData.transform_path(path) for code, path in clipped_paths(extent).items()
    })
    names = []
    for code in codes:
        emphasis = code in CENTRAL_ASIA
        text = ax.text(0, 0, country_name(code), ha="center", va="center",
                       fontsize=font_size if emphasis else font_size - 1,
                       fontweight="bold" if emphasis else "normal",
                       color="#1a1a1a" if emphasis else "#3a3a3a", zorder=8,
                       gid=f"name-{code}", clip_on=True,
                       path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
        text.set_in_layout(False)
        box = text.get_window_extent(renderer)
        size = (box.width + 4, box.height + 2)
        anchor = ax.transData.transform((places.at[code, "x"], places.at[code, "y"]))
        spot = board.best_spot(code, _candidates(board, code, anchor, size), anchor, size)
        text.set_position(ax.transData.inverted().transform(spot))
        if board.strays(code, spot, anchor, size):
            _lead(ax, anchor, spot, size)
        board.taken.append((spot[0] - size[0] / 2, spot[1] - size[1] / 2,
                            spot[0] + size[0] / 2, spot[1] + size[1] / 2))
        names.append(text)
    return names


_SPOTS_AT_A_TIME = 48
"""Candidates weighed together against the legs near them (:meth:`_Board._blocked`)."""


@dataclass
class _Board:
    """What a name must keep clear of, in display pixels, as names are placed one by one."""

    leg_xy: np.ndarray  # points along the legs (and the place marks)
    leg_half: np.ndarray  # each point's half width
    frame: Bbox  # the map's edge
    outlines: dict[str, Path]  # the outlines of the countries on the map
    taken: list[tuple[float, float, float, float]] = field(default_factory=list)  # names placed

    def __post_init__(self) -> None:
        """Each outline's bounding box, once."""
        self.boxes = {code: outline.get_extents() for code, outline in self.outlines.items()}

    def strays(
        self, code: str, spot: np.ndarray, anchor: np.ndarray, size: tuple[float, float],
    ) -> bool:
        """Whether a name placed there stands away from its country: outside it and its place."""
        outline = self.outlines.get(code)
        inside = outline is not None and bool(outline.contains_point(spot))
        return not inside and float(np.hypot(*(spot - anchor))) > _near(size)

    def best_spot(
        self, code: str, spots: np.ndarray, anchor: np.ndarray, size: tuple[float, float],
    ) -> np.ndarray:
        """The candidate with the fewest legs, names, edges and neighbours under it, nearest."""
        blocked = self._blocked(spots, size)
        clear = blocked == 0
        if clear.any():  # only a clear spot can win: the others need no further test
            spots, blocked = spots[clear], blocked[clear]
        own, elsewhere = self._lands(code, spots)
        distance = np.hypot(*(spots - anchor).T)
        # Away from its place and outside its country, a name needs a leader; in another
        # country it would name that one.
        stray = ~own & (distance > _near(size))
        score = (blocked + 300 * (stray & elsewhere) + 100 * stray + 60 * (elsewhere & ~own)
                 + distance / 5)
        return spots[int(np.argmin(score))]

    def _blocked(self, spots: np.ndarray, size: tuple[float, float]) -> np.ndarray:
        """A penalty per candidate for the legs, names and map edge under it (0: clear)."""
        half_w, half_h = size[0] / 2, size[1] / 2
        legs = np.zeros(len(spots), dtype=int)
        reach = (half_w + self.leg_half.max(initial=0), half_h + self.leg_half.max(initial=0))
        # Spots taken a few dozen at a time, from left to right: each group meets only the leg
        # points near it, where all spots against all points made matrices of millions.
        order = np.argsort(spots[:, 0], kind="stable")
        for group in np.array_split(order, max(1, len(order) // _SPOTS_AT_A_TIME)):
            near = ((self.leg_xy >= spots[group].min(axis=0) - reach)
                    & (self.leg_xy <= spots[group].max(axis=0) + reach)).all(axis=1)
            leg_xy, leg_half = self.leg_xy[near], self.leg_half[near]
            dx = np.abs(leg_xy[:, 0][None, :] - spots[group, 0][:, None])
            dy = np.abs(leg_xy[:, 1][None, :] - spots[group, 1][:, None])
            legs[group] = ((dx < half_w + leg_half) & (dy < half_h + leg_half)).sum(axis=1)
        names = np.zeros(len(spots))
        for x0, y0, x1, y1 in self.taken:
            names += ((spots[:, 0] + half_w > x0) & (spots[:, 0] - half_w < x1)
                      & (spots[:, 1] + half_h > y0) & (spots[:, 1] - half_h < y1))
        frame = self.frame
        outside = ((spots[:, 0] - half_w < frame.x0) | (spots[:, 0] + half_w > frame.x1)
                   | (spots[:, 1] - half_h < frame.y0) | (spots[:, 1] + half_h > frame.y1))
        return 1000 * (legs > 0) + 10 * legs + 5000 * names + 20000 * outside

    def _lands(self, code: str, spots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which candidates stand in the country itself, and which in another."""
        own = np.zeros(len(spots), dtype=bool)
        elsewhere = np.zeros(len(spots), dtype=bool)
        window = Bbox([spots.min(axis=0), spots.max(axis=0)])
        for other, outline in self.outlines.items():
            if not window.overlaps(self.boxes[other]):
                continue  # far from every candidate: no test needed
            if other == code:
                own |= outline.contains_points(spots)
            else:
                elsewhere |= outline.contains_points(spots)
        return own, elsewhere


def _near(size: tuple[float, float]) -> float:
    """How far (pixels) a name's centre may stand from its place and still read as its label."""
    return float(np.hypot(*size)) / 2 + 14


def _lead(ax: Axes, anchor: np.ndarray, spot: np.ndarray, size: tuple[float, float]) -> None:
    """A thin leader from a country's place to its name, set away in a crowded corner."""
    half = np.array(size) / 2
    edge = np.clip(anchor, spot - half, spot + half)  # the point of the name's box nearest
    back = ax.transData.inverted()
    ax.add_line(Line2D(*np.column_stack([back.transform(anchor), back.transform(edge)]),
                       color="#4d4d4d", linewidth=0.6, zorder=7, gid="leader"))


def _candidates(
    board: _Board, code: str, anchor: np.ndarray, size: tuple[float, float],
) -> np.ndarray:
    """Centres a name may take: around its place, and inside its outline."""
    half_w, half_h = size[0] / 2, size[1] / 2
    spots = [anchor + (0, half_h + 5)]
    for gap in (3.0, 10.0, 20.0, 34.0, 52.0):
        for angle in np.arange(0, 2 * np.pi, np.pi / 6):
            dx, dy = np.cos(angle), np.sin(angle)
            spots.append(anchor + (dx * (half_w + gap), dy * (half_h + gap)))
    # and, where legs crowd, any spot near it (a leader then joins the name to its place)
    steps = np.arange(-150.0, 151.0, 10.0)
    spots.extend(anchor + np.array([(x, y) for x in steps for y in steps[5:-5]]))
    outline = board.outlines.get(code)
    if outline is not None:
        box = Bbox.intersection(outline.get_extents(), board.frame)
        if box is not None:
            grid = np.array([(x, y) for x in np.linspace(box.x0, box.x1, 16)[1:-1]
                             for y in np.linspace(box.y0, box.y1, 12)[1:-1]])
            spots.extend(grid[outline.contains_points(grid)])
    return np.array(spots)
