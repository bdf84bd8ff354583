"""Colour-blind-safe colours on the maps (outreach/coverage/maps.py, markers.py) and the dashboard chart (pages/dashboard.py).

Every palette must come from a set designed for colour-vision deficiency (Okabe-Ito for categories,
ColorBrewer's colour-blind-safe schemes and viridis-family scales for numbers), and the ordered scales must
also read in greyscale: lightness changes monotonically along a sequential scale and away from the middle of a
diverging one, so an area's rank is visible without telling hues apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from outreach.coverage import maps, markers

# Okabe & Ito (2008), "Color Universal Design": the eight colours, plus neutral greys.
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
GREYS = {"#999999", "#666666", "#D9D9D9"}
# ColorBrewer 2.0 (Brewer, Harrower), classes marked colour-blind safe: PuOr with 9 classes, YlOrRd with 9.
PUOR_9 = ("#B35806", "#E08214", "#FDB863", "#FEE0B6", "#F7F7F7", "#D8DAEB", "#B2ABD2", "#8073AC", "#542788")
PUOR_7 = ("#B35806", "#F1A340", "#FEE0B6", "#F7F7F7", "#D8DAEB", "#998EC3", "#542788")
YLORRD_9 = ("#FFFFCC", "#FFEDA0", "#FED976", "#FEB24C", "#FD8D3C", "#FC4E2A", "#E31A1C", "#BD0026", "#800026")
PERCEPTUAL_SCHEMES = {"viridis", "cividis", "magma", "inferno", "plasma"}


def _upper(colour: str) -> str:
    return colour.upper()


def _luminance(colour: str) -> float:
    """WCAG relative luminance of "#RRGGBB"."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _monotonic(values: list[float]) -> bool:
    pairs = list(zip(values, values[1:], strict=False))
    return all(a < b for a, b in pairs) or all(a > b for a, b in pairs)


def test_marker_categories_use_okabe_ito_colours_and_neutral_greys():
    categories = [*markers.ORGANIZATION_STATUS.values(), *markers.REQUEST_STATUS.values()]
    assert {_upper(c.colour) for c in categories} <= OKABE_ITO | GREYS
    assert _upper(maps.NO_DATA_COLOUR) in GREYS
    # The request states a coordinator must tell apart are distinct colours, not shades of one.
    assert len({c.colour for c in markers.REQUEST_STATUS.values()}) == len(markers.REQUEST_STATUS)


def test_gap_scale_is_colour_blind_safe_puor_and_diverges_in_lightness():
    gap = [_upper(c) for c in maps.GAP_COLOURS]
    assert set(gap) <= set(PUOR_7) | set(PUOR_9)
    lightness = [_luminance(c) for c in gap]
    middle = len(gap) // 2
    assert _monotonic(lightness[: middle + 1]) and _monotonic(lightness[middle:])
    assert lightness[middle] == max(lightness)  # the neutral middle is the lightest


def test_desert_scale_is_ylorrd_ordered_by_lightness():
    deserts = [_upper(c) for c in maps.DESERT_COLOURS]
    assert set(deserts) <= set(YLORRD_9)
    assert _monotonic([_luminance(c) for c in deserts])


@pytest.mark.parametrize("metric", ["coverage", "gap"])
def test_choropleth_colours_follow_the_palettes(metric):
    colour = maps._scale(pd.Series([0.0, 5.0, 10.0]), metric).colour
    samples = [colour(v) for v in (0.0, 5.0, 10.0)]
    assert len(set(samples)) == 3  # the scale separates low, middle and high
    if metric == "coverage":  # viridis: dark purple for none, yellow for the most
        assert samples[0].lower().startswith("#44")
        assert _monotonic([_luminance(s[:7]) for s in samples])


def test_deserts_are_two_colours_yes_and_no():
    colour = maps._scale(pd.Series([0.0, 1.0, 3.0]), "deserts").colour
    assert [colour(v) for v in (0.0, 1.0, 3.0)] == [maps.DESERT_COLOURS[0], *[maps.DESERT_COLOURS[1]] * 2]


def test_dashboard_heatmap_uses_a_perceptually_uniform_scheme():
    source = (Path(__file__).resolve().parents[2] / "pages" / "dashboard.py").read_text(encoding="utf-8")
    assignment = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "HEATMAP" for t in node.targets)
    )
    heatmap = ast.literal_eval(assignment.value)
    assert heatmap["encoding"]["color"]["scale"]["scheme"] in PERCEPTUAL_SCHEMES
