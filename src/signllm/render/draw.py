"""A clean 2D view of any pose layout: the one drawing function of the project.

The view looks at the signer from the front: x to the right of the image, y downwards (as stored), z
dropped. Everything drawn comes from the ``Skeleton``: body bones thick and grey; each hand its own colour
with one shade per finger (a finger is a branch of the hand's bone tree) and a dot on every hand point, so
finger shapes stay legible at small sizes; the face's contours in a colour per feature (eyes, brows, lips,
nose, oval or jaw: ``FACE_STYLES``, matched by a word of the contour's name). The view is fitted once per
clip (not per frame), so motion is seen as motion. Points a detector missed (confidence at or below the
layout's ``visibility``, 0 for most) and non-finite points are skipped with their lines.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from signllm.render.fonts import title_font
from signllm.skeleton import Skeleton

BACKGROUND = (255, 255, 255)
BODY_COLOUR = (90, 90, 100)
HAND_COLOURS = {  # one shade per finger, in the order of the hand's branches (repeated if a hand has more)
    "left_hand": ((250, 140, 20), (230, 90, 10), (200, 60, 30), (230, 120, 70), (250, 170, 60)),
    "right_hand": ((40, 120, 230), (20, 80, 200), (30, 150, 190), (80, 110, 240), (60, 170, 230)),
}
# Face contours: the first row whose word is in the contour's name; widths in pixels of a 256-pixel image.
FACE_STYLES = (
    ("brow", (120, 70, 20), 1.5),
    ("eye", (20, 140, 80), 1.5),
    ("lips", (210, 30, 80), 1.5),
    ("nose", (140, 100, 170), 1.0),
    ("", (150, 150, 160), 1.0),  # face oval, jaw and any other contour
)
BODY_WIDTH, HAND_WIDTH, DOT_RADIUS = 5.0, 1.5, 1.8  # pixels of a 256-pixel image
MARGIN = 0.08  # empty border around the fitted skeleton, as a fraction of the image side
SUPERSAMPLE = 2  # draw larger, then shrink: cheap anti-aliasing
LAYERS = ("body", "face")  # drawn first, in this order; the hands on top


def coordinates(frames, skeleton: Skeleton, dtype=np.float64) -> np.ndarray:
    """(T, frame_size) frames or (T, num_coords) coordinates (numpy or torch) -> (T, num_coords) array."""
    frames = np.asarray(frames, dtype=dtype)
    if frames.ndim != 2 or frames.shape[1] not in (skeleton.frame_size, skeleton.num_coords) or len(frames) == 0:
        shapes = f"(T>0, {skeleton.frame_size}) frames or (T>0, {skeleton.num_coords}) coordinates"
        raise ValueError(f"layout {skeleton.name}: expected {shapes}, got {frames.shape}")
    return frames[:, : skeleton.num_coords]


def _fingers(skeleton: Skeleton, part: slice) -> np.ndarray:
    """For each point of a component: which branch of the component's bone tree it hangs on, numbered in
    point order (a root of the tree: 0)."""
    parents = skeleton.parents
    inside = np.zeros(skeleton.num_points + 1, dtype=bool)  # index -1 (no parent) is outside
    inside[part] = True
    heads = [p for p in range(part.start, part.stop) if inside[parents[p]] and not inside[parents[parents[p]]]]
    fingers = np.zeros(part.stop - part.start, dtype=np.int64)
    for point in range(part.start, part.stop):
        top = point
        while inside[parents[top]] and top not in heads:
            top = parents[top]
        fingers[point - part.start] = heads.index(top) if top in heads else 0
    return fingers


def _face_style(contour: str) -> tuple[tuple[int, int, int], float]:
    return next((colour, width) for word, colour, width in FACE_STYLES if word in contour)


def _point_styles(skeleton: Skeleton) -> list[tuple[tuple[int, int, int], float]]:
    """(colour, width) of the lines drawn towards each point: its bone, or for the face its contour."""
    styles = [(BODY_COLOUR, BODY_WIDTH)] * skeleton.num_points
    for component in skeleton.components:
        part = component.slice
        if component.name in HAND_COLOURS:
            shades = HAND_COLOURS[component.name]
            for point, finger in zip(range(part.start, part.stop), _fingers(skeleton, part)):
                styles[point] = (shades[finger % len(shades)], HAND_WIDTH)
        elif component.name == "face":
            styles[part] = [_face_style("")] * (part.stop - part.start)
    for component, name, chain in reversed(skeleton.contours):  # the first contour through a point wins
        if component == "face":
            for point in chain:
                styles[point] = _face_style(name)
    return styles


def point_colours(skeleton: Skeleton) -> tuple[tuple[int, int, int], ...]:
    """RGB colour of every point as drawn (body grey, finger shades, face features); also the ``.pose``
    exporter's point colours."""
    return tuple(colour for colour, _ in _point_styles(skeleton))


def _bone_chains(skeleton: Skeleton, style) -> list[tuple[int, ...]]:
    """The bones joined into polylines: a chain goes on while its end has one child, drawn in the same
    ``style(parent, child)``."""
    children: dict[int, list[int]] = {}
    for parent, child in skeleton.bones:
        children.setdefault(parent, []).append(child)

    def continued(parent: int) -> int | None:
        """The child a chain ending on ``parent`` goes on to, if any."""
        if skeleton.parents[parent] >= 0 and len(children.get(parent, ())) == 1:
            child = children[parent][0]
            return child if style(skeleton.parents[parent], parent) == style(parent, child) else None
        return None

    chains = []
    for parent, child in skeleton.bones:
        if continued(parent) is not None:
            continue  # drawn by the chain through its parent
        chain = [parent, child]
        while (following := continued(chain[-1])) is not None:
            chain.append(following)
        chains.append(tuple(chain))
    return chains


def _in_face(points: np.ndarray, visible: np.ndarray, skeleton: Skeleton) -> np.ndarray:
    """(num_points,) True for the body points (nose, eyes, ears) that lie within the face's outline in most
    frames where they are seen: their bones are drawn thin, so the face's contours stay legible."""
    if not skeleton.has("face"):
        return np.zeros(skeleton.num_points, dtype=bool)
    face = skeleton.component("face")
    seen = visible[:, face, None]
    low = np.where(seen, points[:, face], np.inf).min(axis=1, keepdims=True)
    high = np.where(seen, points[:, face], -np.inf).max(axis=1, keepdims=True)
    inside = visible & ((points >= low) & (points <= high)).all(axis=-1)
    inside[:, face] = False
    return inside.sum(axis=0) * 2 > visible.sum(axis=0)


def _owners(skeleton: Skeleton) -> np.ndarray:
    """The component of every point."""
    return np.array([point.split(".", 1)[0] for point in skeleton.points])


def _strokes(skeleton: Skeleton, in_face: np.ndarray) -> list[tuple[np.ndarray, tuple, float]]:
    """Every polyline to draw, bottom to top (body, face, hands): (point indices, colour, width in pixels of
    a 256-pixel image)."""
    styles = _point_styles(skeleton)

    def style(parent: int, child: int):
        return _face_style("") if in_face[parent] or in_face[child] else styles[child]

    chains = [(chain, style(*chain[:2])) for chain in _bone_chains(skeleton, style)]
    for component, name, chain in skeleton.contours:
        chains.append((chain, _face_style(name) if component == "face" else styles[chain[0]]))
    layers = [LAYERS.index(owner) if owner in LAYERS else len(LAYERS) for owner in _owners(skeleton)]
    chains.sort(key=lambda item: layers[item[0][-1]])
    return [(np.array(chain), colour, width) for chain, (colour, width) in chains]


def clip_strokes(frames, skeleton: Skeleton, confidence=None) -> list[tuple[np.ndarray, tuple, float]]:
    """The polylines ``render_clip`` draws for a clip, bottom to top: (point indices, colour, width in pixels
    of a 256-pixel image); other drawers (the web page) draw what this says."""
    points = skeleton.to_joints(coordinates(frames, skeleton))[..., :2]
    return _strokes(skeleton, _in_face(points, _visible(points, confidence, skeleton), skeleton))


def dot_points(skeleton: Skeleton) -> np.ndarray:
    """The points drawn with a dot (every hand point, so finger shapes stay legible), ``DOT_RADIUS`` wide."""
    return np.flatnonzero(np.isin(_owners(skeleton), tuple(HAND_COLOURS)))


def _fit(points: np.ndarray, visible: np.ndarray, width: int, height: int, top: int) -> np.ndarray:
    """Map x/y into the image (uniform scale, centred) with the clip's visible points filling the view."""
    shown = points[visible]
    if shown.size == 0:
        return points
    low, high = shown.min(axis=0), shown.max(axis=0)
    border = MARGIN * min(width, height)
    box = np.array([width - 2 * border, height - top - 2 * border])
    zoom = (box / np.maximum(high - low, 1e-9)).min()
    centre = (np.array([width, height + top]) / 2) - zoom * (low + high) / 2
    return points * zoom + centre


def _visible(points: np.ndarray, confidence, skeleton: Skeleton) -> np.ndarray:
    """(T, num_points) True where a point is finite and, if confidences are given, has one above the
    layout's visibility threshold (0 for most layouts)."""
    visible = np.isfinite(points).all(axis=-1)
    if confidence is not None:
        confidence = np.asarray(confidence, dtype=np.float64)
        if confidence.shape != visible.shape:
            expected = f"(T, num_points) = {visible.shape}"
            raise ValueError(f"layout {skeleton.name}: confidence must be {expected}, got {confidence.shape}")
        visible &= confidence > skeleton.visibility  # NaN compares False
    return visible


def _shorten(title: str, font, width: float) -> str:
    """``title`` cut (with an ellipsis) to fit ``width`` pixels."""
    if font.getlength(title) <= width:
        return title
    while title and font.getlength(title + "…") > width:
        title = title[:-1]
    return title + "…"


def _backdrop(side: int, size: int, title: str | None) -> tuple[Image.Image, int]:
    """The empty canvas with the title written across the top, and the height the title takes."""
    canvas = Image.new("RGB", (side, side), BACKGROUND)
    if not title:
        return canvas, 0
    font = title_font(max(size // 18, 8) * SUPERSAMPLE)
    top = int(font.size * 1.6)
    title = _shorten(title, font, side * 0.95)
    ImageDraw.Draw(canvas).text((side * 0.025, top // 5), title, fill=(0, 0, 0), font=font)
    return canvas, top


def render_clip(frames, skeleton: Skeleton, size: int = 256, title: str | None = None, confidence=None) -> np.ndarray:
    """Draw a clip of ``skeleton``'s layout: (T, frame_size) frames or (T, num_coords) coordinates ->
    uint8 (T, size, size, 3).

    Units do not matter (the view is fitted to the clip). ``confidence`` (T, num_points): points at or
    below the layout's visibility are skipped, as are non-finite points. ``title`` is written across the top, above the skeleton.
    """
    if size < 16 or size % 2:
        raise ValueError(f"size must be an even number of pixels >= 16, got {size}")
    side = size * SUPERSAMPLE
    backdrop, top = _backdrop(side, size, title)
    points = skeleton.to_joints(coordinates(frames, skeleton))[..., :2]
    visible = _visible(points, confidence, skeleton)
    points = _fit(points, visible, side, side, top)
    pixels = side / 256  # canvas pixels per pixel of a 256-pixel image
    lines = [  # per polyline: its points' coordinates in every frame, whether all are shown in a frame
        (points[:, chain].reshape(len(points), -1).tolist(), visible[:, chain].all(axis=1), chain, colour,
         max(round(width * pixels), 1))
        for chain, colour, width in _strokes(skeleton, _in_face(points, visible, skeleton))
    ]
    hands = dot_points(skeleton)
    radius = DOT_RADIUS * pixels
    dots = np.concatenate([points[:, hands] - radius, points[:, hands] + radius], axis=-1).tolist()  # (T, points, box)
    dot_colours = [point_colours(skeleton)[point] for point in hands]
    images = np.empty((len(points), size, size, 3), dtype=np.uint8)
    for index, shown in enumerate(visible):
        canvas = backdrop.copy()
        pen = ImageDraw.Draw(canvas)
        for coords, whole, chain, colour, width in lines:
            joint = "curve" if width > 2 else None
            if whole[index]:
                pen.line(coords[index], fill=colour, width=width, joint=joint)
            else:
                for run in _runs(chain, shown):
                    pen.line(points[index, run].ravel().tolist(), fill=colour, width=width, joint=joint)
        for box, colour, seen in zip(dots[index], dot_colours, shown[hands]):
            if seen:
                pen.ellipse(box, fill=colour)
        images[index] = np.asarray(canvas.reduce(SUPERSAMPLE))
    return images


def _runs(chain: np.ndarray, shown: np.ndarray) -> list[np.ndarray]:
    """The stretches of a polyline whose points are all shown (two points at least)."""
    mask = shown[chain]
    bounds = np.flatnonzero(np.diff(np.concatenate([[False], mask, [False]]).astype(np.int8)))
    return [chain[start:stop] for start, stop in zip(bounds[::2], bounds[1::2]) if stop - start >= 2]


def side_by_side(left: np.ndarray, right: np.ndarray, gap: int = 4) -> np.ndarray:
    """Two uint8 (T, H, W, 3) clips next to each other; the shorter clip holds its last frame.

    Heights may differ (the smaller is padded with background); ``gap`` white columns separate them.
    """
    length, height = max(len(left), len(right)), max(left.shape[1], right.shape[1])

    def pad(clip: np.ndarray) -> np.ndarray:
        clip = np.concatenate([clip, np.repeat(clip[-1:], length - len(clip), axis=0)])
        below = np.full((length, height - clip.shape[1], clip.shape[2], 3), BACKGROUND, dtype=np.uint8)
        return np.concatenate([clip, below], axis=1)

    spacer = np.full((length, height, gap, 3), BACKGROUND, dtype=np.uint8)
    return np.concatenate([pad(left), spacer, pad(right)], axis=2)
