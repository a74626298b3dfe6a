"""The layout and frames the page is sent, for every layout: the face included, missing points as null."""

from types import SimpleNamespace

import numpy as np
import pytest

from signllm.render.draw import point_colours
from signllm.serve.payload import frames_payload, layout_payload, strokes_payload
from signllm.skeleton import load_skeleton


@pytest.mark.parametrize("name", ["openpose50", "holistic178", "dwpose"])
def test_the_layout_is_the_checkpoints_skeleton(name):
    skeleton = load_skeleton(name)
    layout = layout_payload(SimpleNamespace(info=SimpleNamespace(skeleton=skeleton)))
    assert (layout["name"], layout["points"], layout["dims"]) == (name, skeleton.num_points, skeleton.dims)
    assert layout["names"] == list(skeleton.points)
    assert layout["groups"] == [point.split(".")[0] for point in skeleton.points]  # <component>.<point>
    assert layout["colours"][0] == "#%02x%02x%02x" % point_colours(skeleton)[0]
    assert sorted(map(tuple, layout["edges"])) == sorted(skeleton.edges)  # bones and face contours


def test_the_face_gets_its_own_group_and_colours():
    layout = layout_payload(SimpleNamespace(info=SimpleNamespace(skeleton=load_skeleton("holistic178"))))
    face = {colour for group, colour in zip(layout["groups"], layout["colours"]) if group == "face"}
    body = {colour for group, colour in zip(layout["groups"], layout["colours"]) if group == "body"}
    assert len(face) > 1 and not face & body  # eyes, brows, lips ... in colours of their own


def test_frames_drop_the_counter_and_send_missing_points_as_null():
    layout = {"points": 2, "dims": 3}
    frames = np.array([[0.123456789, 1, 2, np.nan, 4, 5, 0.5], [6, 7, 8, 9, np.inf, 11, 1.0]], dtype=np.float32)
    assert frames_payload(frames, layout) == [[0.12346, 1.0, 2.0, None, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, None, 11.0]]


@pytest.mark.parametrize("name", ["openpose50", "dwpose", "slrtp178"])
def test_the_strokes_draw_every_edge_once_hands_on_top(name):
    """The page draws what the renderer computes: polylines covering each bone and contour once, bottom to top."""
    skeleton = load_skeleton(name)
    frames = np.random.default_rng(0).normal(0, 1, (5, skeleton.frame_size)).astype(np.float32)
    strokes = strokes_payload(frames, skeleton)
    drawn = [frozenset(pair) for stroke in strokes for pair in zip(stroke["points"], stroke["points"][1:])]
    assert sorted(map(sorted, drawn)) == sorted(map(sorted, map(frozenset, skeleton.edges)))
    assert all(stroke["width"] > 0 and stroke["colour"].startswith("#") for stroke in strokes)
    hands = set(layout_payload(SimpleNamespace(info=SimpleNamespace(skeleton=skeleton)))["dots"])
    on_hands = [set(stroke["points"][1:]) <= hands for stroke in strokes]
    assert on_hands[-1] and on_hands.index(True) > 0 and all(on_hands[on_hands.index(True):])
