"""What the page is sent: the skeleton layout, generated frames as plain coordinates, and the strokes that
draw them -- computed by the renderer (``signllm.render.draw``), so the page draws a clip as our renders do
without a copy of their rules."""

from __future__ import annotations

import numpy as np

from signllm.api import Generator
from signllm.render.draw import DOT_RADIUS, clip_strokes, dot_points, point_colours
from signllm.skeleton import Skeleton

COORD_DECIMALS = 5  # as in .skels files


def _hex(colour: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{channel:02x}" for channel in colour)


def layout_payload(generator: Generator) -> dict:
    """The checkpoint's layout (``generator.info.skeleton``) as the page draws it: point names, a group
    (component: ``body``, ``left_hand``, ``right_hand``, ``face``) and the renderer's colour per point,
    edges (bones and face contours), coordinates per point, the points drawn with a dot and its radius (pixels of
    a 256-pixel image)."""
    skeleton = generator.info.skeleton
    return {
        "name": skeleton.name,
        "points": skeleton.num_points,
        "dims": skeleton.dims,
        "names": list(skeleton.points),
        "groups": [component.name for component in skeleton.components for _ in component.points],
        "colours": [_hex(colour) for colour in point_colours(skeleton)],
        "edges": [[int(a), int(b)] for a, b in skeleton.edges],
        "dots": dot_points(skeleton).tolist(),
        "dot_radius": DOT_RADIUS,
    }


def strokes_payload(frames: np.ndarray, skeleton: Skeleton) -> list[dict]:
    """The polylines the renderer draws for this clip, bottom to top: point indices, colour, width in pixels
    of a 256-pixel image."""
    return [
        {"points": chain.tolist(), "colour": _hex(colour), "width": width}
        for chain, colour, width in clip_strokes(frames, skeleton)
    ]


def frames_payload(frames: np.ndarray, layout: dict) -> list[list[float | None]]:
    """(T, frame size) generated frames -> T lists of ``points x dims`` coordinates (counter dropped),
    rounded like ``.skels`` files; a non-finite value becomes ``None`` (JSON ``null``: not drawn)."""
    coordinates = np.asarray(frames, dtype=np.float64)[:, : layout["points"] * layout["dims"]]
    values = np.round(coordinates, COORD_DECIMALS).astype(object)
    values[~np.isfinite(coordinates)] = None
    return values.tolist()
