"""Every layout in conf/skeleton/ renders: body, both hands and, where the layout has one, a legible face.

Checked on the test signer and on a clip of the built-in synthetic corpus. With
``SIGNLLM_DOCS_IMAGES=<folder>`` set, the synthetic clip of each layout (a strip of frames, titled) is also
written there as ``layout_<name>.png``: the docs' pictures (docs/images), never real data.
"""

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from signllm.render.draw import BODY_COLOUR, FACE_STYLES, HAND_COLOURS, render_clip
from signllm.skeleton import CONF_DIR, load_skeleton
from signllm.utils import atomic_output
from tests.render.pixels import ink, near
from tests.render.signer import signer

LAYOUTS = sorted(path.stem for path in (CONF_DIR / "skeleton").glob("*.yaml"))
SIZE = 256
SLACK = 4  # pixels: line widths and dots reach past the points they join
FEATURES = ("brow", "eye", "lips")  # drawn in the face of every layout that names such contours, top to bottom
DOCS_LANGUAGES = {"openpose50": "asl", "dwpose": "ksl", "slrtp178": "gsl", "holistic178": "tsl"}  # varied titles


def feature_colour(word: str):
    return next(colour for name, colour, _ in FACE_STYLES if name == word)


class View:
    """Where points land in a picture: the figure's ink box is the seen points' box (up to ``SLACK``)."""

    def __init__(self, image: np.ndarray, points: np.ndarray, seen: np.ndarray):
        rows, columns = np.nonzero(ink(image))
        self.ink = np.array([columns.min(), rows.min()])
        self.points = np.where(seen[:, None], points, np.nan)
        self.origin = np.nanmin(self.points, axis=0)
        extent = np.nanmax(self.points, axis=0) - self.origin
        self.zoom = ((np.array([columns.max(), rows.max()]) - self.ink) / extent).min()  # the tighter axis

    def box(self, image: np.ndarray, indices: np.ndarray) -> np.ndarray:
        """The pixels around some points, those seen (a boolean mask of the image)."""
        corners = np.nanmin(self.points[indices], axis=0), np.nanmax(self.points[indices], axis=0)
        low, high = (self.ink + (corner - self.origin) * self.zoom for corner in corners)
        (x0, y0), (x1, y1) = np.floor(low - SLACK).astype(int), np.ceil(high + SLACK).astype(int)
        mask = np.zeros(image.shape[:2], dtype=bool)
        mask[max(y0, 0) : y1 + 1, max(x0, 0) : x1 + 1] = True
        return mask


def check_picture(image: np.ndarray, frame: np.ndarray, confidence: np.ndarray | None, skeleton) -> None:
    """One untitled frame shows the body, each hand around its points and each face feature in the face."""
    points = skeleton.to_joints(frame[: skeleton.num_coords])[:, :2]
    seen = np.isfinite(points).all(axis=-1) & (confidence > 0 if confidence is not None else True)
    view = View(image, points, seen)
    assert near(image, BODY_COLOUR).sum() > 100, "body bones"
    for hand, shades in HAND_COLOURS.items():
        inked = np.any([near(image, shade) for shade in shades], axis=0)
        members = np.arange(skeleton.num_points)[skeleton.component(hand)]
        attached = skeleton.parents[members][skeleton.parents[members] >= 0]  # the body's wrist
        around = view.box(image, np.union1d(members, attached))
        assert inked[around].sum() > 20 and inked[~around].sum() == 0, hand
    if not skeleton.has("face"):
        return
    face = view.box(image, np.arange(skeleton.num_points)[skeleton.component("face")])
    rows = []
    for word in FEATURES:
        if not any(word in name for component, name, _ in skeleton.contours if component == "face"):
            continue
        inked = near(image, feature_colour(word))
        assert inked[face].sum() > 10 and inked[~face].sum() == 0, f"face feature {word}"
        rows.append(np.nonzero(inked)[0].mean())
    assert rows == sorted(rows), "brows above eyes above lips"
    eyes = np.unique(np.nonzero(near(image, feature_colour("eye")))[1])
    assert (np.diff(eyes) > 2).sum() == 1, "two eyes, apart"


@pytest.fixture(scope="module", params=LAYOUTS)
def layout(request):
    return load_skeleton(request.param)


def test_every_layout_draws_body_hands_and_face(layout):
    frames, confidence = signer(layout, num_frames=3)
    images = render_clip(frames, layout, size=SIZE, confidence=confidence)
    for index, image in enumerate(images):
        check_picture(image, frames[index], None if confidence is None else confidence[index], layout)


def test_a_synthetic_clip_in_every_layout(layout):
    """A question of the synthetic corpus (raised brows) in the middle of its signing; the docs' pictures."""
    from signllm.data.synthetic import generate_split

    clips = generate_split(DOCS_LANGUAGES.get(layout.name, "asl"), "dev", 6, layout, seed=0)
    clip = next((clip for clip in clips if clip.text.endswith("?")), clips[0])
    picked = (np.array([0.3, 0.5, 0.7]) * len(clip.frames)).astype(int)
    images = render_clip(clip.frames, layout, size=SIZE, confidence=clip.confidence)
    for index in picked:
        check_picture(images[index], clip.frames[index], None if clip.confidence is None else clip.confidence[index], layout)
    if folder := os.environ.get("SIGNLLM_DOCS_IMAGES"):
        titled = render_clip(clip.frames, layout, size=SIZE, title=clip.text, confidence=clip.confidence)
        with atomic_output(Path(folder) / f"layout_{layout.name}.png") as temporary:
            Image.fromarray(np.concatenate(list(titled[picked]), axis=1)).save(temporary, format="PNG")


def test_hidden_parts_are_not_drawn(layout):
    frames, confidence = signer(layout, num_frames=2)
    hidden = np.ones((len(frames), layout.num_points), dtype=np.float32) if confidence is None else confidence.copy()
    hidden[:, layout.component("left_hand")] = 0
    if layout.has("face"):
        hidden[:, layout.component("face")] = 0
    images = render_clip(frames, layout, size=SIZE, confidence=hidden)
    colours = HAND_COLOURS["left_hand"] + tuple(feature_colour(word) for word in FEATURES)
    assert not np.any([near(images, colour) for colour in colours])
    assert near(images, HAND_COLOURS["right_hand"][1]).any() and near(images, BODY_COLOUR).any()
