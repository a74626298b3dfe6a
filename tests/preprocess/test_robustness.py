"""The lifting never makes a clip worse: every real clip of ../shared/realdata that has a 2D source, whole and in
short windows (where unguarded gradient descent diverges most), ends with an objective and a reprojection
error no higher than its initial skeleton's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from signllm.preprocess.inputs import InputReader
from signllm.preprocess.lift import LiftConfig, lift_clips
from signllm.preprocess.manifest import ClipSource
from signllm.preprocess.openpose import read_openpose_clip
from signllm.preprocess.pose_import import read_pose_clip
from signllm.skeleton import load_skeleton

from .conftest import STEPS

OPENPOSE50, DWPOSE = load_skeleton("openpose50"), load_skeleton("dwpose")
POSE_FOLDERS = ("dgs-corpus-fluent-pose-synthesis", "pose-format-testdata", "dsgs-dummy-lexicon-spoken-to-signed")
DWPOSE_ASPECT = {"human_signer": 1280 / 720, "human_signer_480": 1.0, "human_mutiperson": 1278 / 720}  # its README
WINDOW, STRIDE = 6, 5  # frames of a window, frames between window starts


def dwpose_clip(folder: Path, skeleton) -> np.ndarray:
    settings = {"dwpose": {"layout": "dwpose", "aspect_ratio": DWPOSE_ASPECT[folder.name]}}
    points, _ = InputReader(skeleton, settings)(ClipSource(folder.name, "", None, folder))
    return points.reshape(len(points), skeleton.num_points, 3)


def real_clips(realdata: Path) -> dict[str, tuple[object, np.ndarray]]:
    """name -> (layout, (T, points, 3) x, y, confidence) of every real clip with a 2D source."""
    clips, size = {}, OPENPOSE50.num_points
    for folder in sorted((realdata / "how2sign-openpose-prompt2sign" / "json").iterdir()):
        clips[folder.name] = OPENPOSE50, read_openpose_clip(folder, OPENPOSE50)[0].reshape(-1, size, 3)
    for path in sorted(path for name in POSE_FOLDERS for path in (realdata / name).rglob("*.pose")):
        clips[path.name] = OPENPOSE50, read_pose_clip(path, OPENPOSE50)[0].reshape(-1, size, 3)
    for name in sorted(DWPOSE_ASPECT):
        folder = realdata / "prompt2sign-dwpose-2025" / name
        clips[name] = OPENPOSE50, dwpose_clip(folder, OPENPOSE50)
        clips[f"{name} (dwpose, with its face)"] = DWPOSE, dwpose_clip(folder, DWPOSE)
    return clips


@pytest.fixture(scope="module")
def results(realdata) -> dict[str, object]:
    clips, results = real_clips(realdata), {}
    windows = {
        f"{name} [{start}:{start + WINDOW}]": clip[start : start + WINDOW]
        for name, (layout, clip) in clips.items()
        if layout is OPENPOSE50
        for start in range(0, len(clip) - WINDOW + 1, STRIDE)
    }
    config = LiftConfig(steps=STEPS)
    for layout in (OPENPOSE50, DWPOSE):
        named = {name: clip for name, (clip_layout, clip) in clips.items() if clip_layout is layout}
        results.update(zip(named, lift_clips(list(named.values()), layout, config)))
    results.update(zip(windows, lift_clips(list(windows.values()), OPENPOSE50, config)))
    return results


def test_every_real_source_is_covered(results):
    names = set(results)
    assert sum(name.endswith(".pose") for name in names) == 24 and sum("rgb_front" in n and "[" not in n for n in names) == 5
    assert {"human_signer", "human_signer_480", "human_mutiperson (dwpose, with its face)"} <= names
    assert len(names) > 500  # and the windows


def test_no_clip_ends_worse_than_it_started(results):
    worse = {
        name: (result.objective_initial, result.objective_final, result.reprojection_initial, result.reprojection_final)
        for name, result in results.items()
        if not (
            result.objective_final <= result.objective_initial
            and result.reprojection_final <= result.reprojection_initial
            and np.isfinite(result.joints).all()
        )
    }
    assert not worse, worse
    improved = sum(result.objective_final < result.objective_initial for result in results.values())
    assert improved > 0.95 * len(results)  # and the refinement does refine
