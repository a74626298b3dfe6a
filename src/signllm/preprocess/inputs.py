"""Every kind of input -> the run layout's 2D form: (T, points * 3) x, y, confidence per frame, and frame events.

Kinds, told apart by what a manifest entry holds:
- an OpenPose JSON clip folder (``*_<frame>_keypoints.json``), read in the layout ``inputs.openpose.layout``
  (openpose50: its ``openpose`` key says which keypoint arrays hold its points);
- a Prompt2Sign 2025 DWPose per-frame folder (``[results_dwpose/]{json,npz,npy}/<8-digit>.*``), read in
  ``inputs.dwpose.layout`` with the videos' width / height ``inputs.dwpose.aspect_ratio`` (DWPose divides x
  and y by different sizes; lifting needs them in one unit);
- a ``.pose`` file, read by point name straight into the run's layout.
Where a reader's layout is not the run's, its frames are converted by point name (``signllm.data.convert``):
points the run's layout has and the reader's lacks come from the layout's derive rules, else are missing
(confidence 0).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from signllm.data.convert import Conversion
from signllm.data.formats import dwpose_frames
from signllm.preprocess import openpose
from signllm.preprocess.manifest import ClipSource
from signllm.preprocess.pose_import import detected_form, read_pose_clip
from signllm.preprocess.report import ClipDropped
from signllm.skeleton import Skeleton, load_skeleton

DWPOSE_EVENTS = {"frames": "frames_in"}  # the DWPose reader's event names that differ from the report's


class InputReader:
    """Reads manifest entries of any kind into the 2D form of ``skeleton``; ``settings`` is the ``inputs``
    section of the preprocess config."""

    def __init__(self, skeleton: Skeleton, settings: Mapping):
        self.skeleton, self.target, self.settings = skeleton, detected_form(skeleton), settings
        self._layouts: dict[str, tuple[Skeleton, Conversion | None]] = {}

    def _layout(self, kind: str) -> tuple[Skeleton, Conversion | None]:
        """A reader's layout and its conversion into the run's 2D form (None: the same layout), built once."""
        if kind not in self._layouts:
            layout = load_skeleton(self.settings[kind]["layout"])
            same = layout.name == self.skeleton.name
            self._layouts[kind] = layout, None if same else Conversion(detected_form(layout), self.target)
        return self._layouts[kind]

    def _convert(self, kind: str, points: np.ndarray) -> np.ndarray:
        """(T, points * 3) of the reader's layout -> (T, points * 3) of the run's."""
        conversion = self._layout(kind)[1]
        if conversion is None:
            return points
        source = conversion.source
        joints = points.reshape(len(points), source.num_points, 3)
        frames = np.zeros((len(points), source.frame_size), dtype=np.float32)
        frames[:, : source.num_coords] = joints[..., :2].reshape(len(points), -1)
        converted, confidence, _ = conversion(frames, joints[..., 2])
        xy = self.target.to_joints(converted[:, : self.target.num_coords])
        return np.concatenate([xy, confidence[..., None]], -1).reshape(len(points), -1).astype(np.float32)

    def _dwpose(self, folder: Path) -> tuple[np.ndarray, Counter]:
        layout, _ = self._layout("dwpose")
        storage = layout.storage_for({"aspect_ratio": self.settings["dwpose"]["aspect_ratio"]})
        try:
            frames, confidence, events = dwpose_frames.read_dwpose_clip(folder, layout, storage)
        except (OSError, ValueError) as error:  # a missing, unreadable or misshapen frame file
            raise ClipDropped("unreadable_dwpose", str(error)) from None
        xy = layout.to_joints(frames[:, : layout.num_coords])
        points = np.concatenate([xy, confidence[..., None]], -1).reshape(len(frames), -1)
        return self._convert("dwpose", points), Counter({DWPOSE_EVENTS.get(k, k): v for k, v in events.items()})

    def __call__(self, source: ClipSource) -> tuple[np.ndarray, Counter]:
        """A manifest entry's 2D frames and frame events; ClipDropped if it has no input, text or usable frames."""
        if source.path is None:
            raise ClipDropped("missing_input", f"{source.id}: named in the text list, but no input has this id")
        if source.text is None:
            raise ClipDropped("no_text", f"{source.path}: no (or an empty) text for clip {source.id!r}")
        path = source.path
        if path.suffix == ".pose":
            return read_pose_clip(path, self.skeleton)
        if path.is_dir() and openpose.frame_files(path):
            points, events = openpose.read_openpose_clip(path, self._layout("openpose")[0])
            return self._convert("openpose", points), events
        try:
            dwpose_frames.frame_files(path)
        except (FileNotFoundError, NotADirectoryError):
            raise ClipDropped(
                "no_frames", f"{path}: no OpenPose *_<frame>_keypoints.json nor DWPose <8-digit>.json/npz/npy files"
            ) from None
        return self._dwpose(path)
