"""What the page is sent: the skeleton layout to draw, and generated frames as plain coordinates."""

from __future__ import annotations

import numpy as np

from signllm.api import Generator
from signllm.render.draw import point_colours

COORD_DECIMALS = 5  # as in .skels files


def _hex(colour: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{channel:02x}" for channel in colour)


def layout_payload(generator: Generator) -> dict:
    """The checkpoint's layout (``generator.info.skeleton``) as the page draws it: point names, a group
    (component: ``body``, ``left_hand``, ``right_hand``, ``face``) and the renderer's colour per point,
    edges (bones and face contours), coordinates per point."""
    skeleton = generator.info.skeleton
    return {
        "name": skeleton.name,
        "points": skeleton.num_points,
        "dims": skeleton.dims,
        "names": list(skeleton.points),
        "groups": [component.name for component in skeleton.components for _ in component.points],
        "colours": [_hex(colour) for colour in point_colours(skeleton)],
        "edges": [[int(a), int(b)] for a, b in skeleton.edges],
    }


def frames_payload(frames: np.ndarray, layout: dict) -> list[list[float | None]]:
    """(T, frame size) generated frames -> T lists of ``points x dims`` coordinates (counter dropped),
    rounded like ``.skels`` files; a non-finite value becomes ``None`` (JSON ``null``: not drawn)."""
    coordinates = np.asarray(frames, dtype=np.float64)[:, : layout["points"] * layout["dims"]]
    values = np.round(coordinates, COORD_DECIMALS).astype(object)
    values[~np.isfinite(coordinates)] = None
    return values.tolist()
