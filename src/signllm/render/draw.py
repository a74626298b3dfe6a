"""A clean 2D view of the 50-joint skeleton: the one drawing function of the project.

The view looks at the signer from the front: x to the right of the image, y downwards (as stored),
z dropped. Body bones are thick and grey, each hand has its own colour with one shade per finger and
a dot on every hand joint so that finger shapes stay legible at small sizes. The view is fitted once
per clip (not per frame), so motion is seen as motion.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from signllm.skeleton import BODY, BONES, FRAME_SIZE, LEFT_HAND, NUM_COORDS, NUM_JOINTS, RIGHT_HAND, to_joints

BACKGROUND = (255, 255, 255)
BODY_COLOUR = (90, 90, 100)
LEFT_COLOURS = ((250, 140, 20), (230, 90, 10), (200, 60, 30), (230, 120, 70), (250, 170, 60))
RIGHT_COLOURS = ((40, 120, 230), (20, 80, 200), (30, 150, 190), (80, 110, 240), (60, 170, 230))
MARGIN = 0.08  # empty border around the fitted skeleton, as a fraction of the image side
SUPERSAMPLE = 2  # draw larger, then shrink: cheap anti-aliasing


def _joint_colour(joint: int) -> tuple[int, int, int]:
    """Body grey, or the hand's shade for the finger the joint belongs to (the hand root: the thumb's)."""
    for hand, colours in ((LEFT_HAND, LEFT_COLOURS), (RIGHT_HAND, RIGHT_COLOURS)):
        if hand.start <= joint < hand.stop:
            return colours[max(joint - hand.start - 1, 0) // 4]
    return BODY_COLOUR


JOINT_COLOURS = tuple(_joint_colour(joint) for joint in range(NUM_JOINTS))  # also the .pose point colours
HAND_JOINTS = tuple(range(LEFT_HAND.start, LEFT_HAND.stop)) + tuple(range(RIGHT_HAND.start, RIGHT_HAND.stop))
BODY_BONES = tuple(bone for bone in BONES if bone[1] < BODY.stop)
HAND_BONES = tuple(bone for bone in BONES if bone[1] in HAND_JOINTS)  # wrist -> hand root included


def coordinates(frames, dtype=np.float64) -> np.ndarray:
    """(T, FRAME_SIZE) frames or (T, NUM_COORDS) coordinates (numpy or torch) -> (T, NUM_COORDS) array."""
    frames = np.asarray(frames, dtype=dtype)
    if frames.ndim != 2 or frames.shape[1] not in (FRAME_SIZE, NUM_COORDS) or len(frames) == 0:
        shapes = f"(T>0, {FRAME_SIZE}) frames or (T>0, {NUM_COORDS}) coordinates"
        raise ValueError(f"expected {shapes}, got {frames.shape}")
    return frames[:, :NUM_COORDS]


def _fit(points: np.ndarray, width: int, height: int, top: int) -> np.ndarray:
    """Map x/y into the image (uniform scale, centred) with the clip's finite points filling the view."""
    finite = points[np.isfinite(points).all(axis=-1)]
    if finite.size == 0:
        return np.full_like(points, np.nan)
    low, high = finite.min(axis=0), finite.max(axis=0)
    border = MARGIN * min(width, height)
    box = np.array([width - 2 * border, height - top - 2 * border])
    zoom = (box / np.maximum(high - low, 1e-9)).min()
    centre = (np.array([width, height + top]) / 2) - zoom * (low + high) / 2
    return points * zoom + centre


def _title_font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=max(size // 18, 8) * SUPERSAMPLE)


def _shorten(title: str, font: ImageFont.ImageFont, width: float) -> str:
    """``title`` cut (with an ellipsis) to fit ``width`` pixels."""
    if font.getlength(title) <= width:
        return title
    while title and font.getlength(title + "…") > width:
        title = title[:-1]
    return title + "…"


def render_clip(frames, size: int = 256, title: str | None = None) -> np.ndarray:
    """Draw a clip: (T, FRAME_SIZE) frames or (T, NUM_COORDS) coordinates -> uint8 (T, size, size, 3).

    Units do not matter (the view is fitted to the clip); non-finite joints and their bones are skipped.
    ``title`` is written across the top, above the skeleton.
    """
    if size < 16 or size % 2:
        raise ValueError(f"size must be an even number of pixels >= 16, got {size}")
    side = size * SUPERSAMPLE
    font = _title_font(size) if title else None
    top = int(font.size * 1.6) if font else 0
    title = _shorten(title, font, side * 0.95) if font else None
    points = _fit(to_joints(coordinates(frames))[..., :2], side, side, top)
    body_width, hand_width = max(side // 48, 2), max(side // 160, 1)
    dot = hand_width * 1.2
    images = np.empty((len(points), size, size, 3), dtype=np.uint8)
    for index, joints in enumerate(points):
        canvas = Image.new("RGB", (side, side), BACKGROUND)
        pen = ImageDraw.Draw(canvas)
        visible = np.isfinite(joints).all(axis=-1)
        xy = joints.tolist()
        for parent, child in BODY_BONES:
            if visible[parent] and visible[child]:
                pen.line([tuple(xy[parent]), tuple(xy[child])], fill=BODY_COLOUR, width=body_width, joint="curve")
        for parent, child in HAND_BONES:
            if visible[parent] and visible[child]:
                pen.line([tuple(xy[parent]), tuple(xy[child])], fill=JOINT_COLOURS[child], width=hand_width)
        for joint in HAND_JOINTS:
            if visible[joint]:
                x, y = xy[joint]
                pen.ellipse([x - dot, y - dot, x + dot, y + dot], fill=JOINT_COLOURS[joint])
        if font:
            pen.text((side * 0.025, top // 5), title, fill=(0, 0, 0), font=font)
        images[index] = np.asarray(canvas.resize((size, size), Image.Resampling.BOX))
    return images


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
