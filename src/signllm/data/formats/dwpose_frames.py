"""Prompt2Sign 2025 per-frame DWPose files -> (frames, confidence) in the ``dwpose`` layout.

The 2025 tools (pipeline01) write one file per frame, ``<clip>/results_dwpose/{json,npz,npy}/<8-digit>.<ext>``
(numbered from 00000001), each ``{"num_persons": N, "person_<i>": {"<component>_keypoints": (n, 2),
"<component>_scores": (n,)}}`` for the layout's components (body, left_hand, right_hand, face). Values mean
what the layout's ``.skels`` codec makes of them (``signllm.data.skels.FrameCodec``): body scores are subset
indices (seen: 1, missing: 0), hand and face scores raw; x is multiplied by the aspect ratio (the video's
width / height when given, else the storage's ``aspect_ratio``), which undoes the per-axis 0..1 normalisation;
the counter follows the storage's convention. So a clip read here equals its line of a ``.skels`` made from
the same files.

One person per frame, the signer: where several persons are present, the one whose seen body points are
centred nearest to the signer of the frame before (in the first such frame with no signer before it: the
one whose seen body points span the largest box). The files do not keep persons in the same order between
frames. With N > 1 persons the upstream writer stored person p's hands as entries 2p and 2p + 1 of DWPose's
[left hands of all persons, then right hands of all persons]; those are put back before picking. The events
counted: ``frames``, ``several_people`` (frames with more than one person), ``people_dropped`` (persons not
picked), ``hands_reassigned`` (frames whose hands were put back), ``no_body_seen`` (frames kept with no body
point seen: DWPose then ran on the whole image and the points are guesses), ``missing_files`` (frame numbers
absent between the first and the last file). npz and npy frames are pickles: they are read with an unpickler
that builds nothing but numpy arrays and dicts.
"""

from __future__ import annotations

import json
import pickle
import re
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

from signllm.skeleton import Skeleton, Storage, counter_values

KINDS = ("json", "npz", "npy")  # preferred in this order when a clip folder holds several
FRAME_FILE = re.compile(r"^(\d{8})\.(json|npz|npy)$")


class _NumpyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays, dtypes and plain containers; refuses every other class (no code runs)."""

    ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype")} | {
        (module, name)
        for module in ("numpy.core.multiarray", "numpy._core.multiarray")
        for name in ("_reconstruct", "scalar")
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refused to unpickle {module}.{name}")
        return super().find_class(module, name)


def _read_npy(file, path: Path):
    """One ``.npy`` stream -> its array, or for a 0-d object array the object inside."""
    version = np.lib.format.read_magic(file)
    shape, fortran, dtype = (
        np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    )(file)
    if dtype.hasobject:
        if shape != ():
            raise ValueError(f"{path}: an object array of shape {shape}, expected a single pickled dict")
        array = _NumpyUnpickler(file).load()
        return array.item() if isinstance(array, np.ndarray) else array
    return np.frombuffer(file.read(), dtype=dtype).reshape(shape, order="F" if fortran else "C")


def load_frame(path: Path) -> dict:
    """One frame file -> its dict (``num_persons``, ``person_<i>``), whatever the kind."""
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    if path.suffix == ".npy":
        with open(path, "rb") as file:
            return _read_npy(file, path)
    with zipfile.ZipFile(path) as archive:
        return {Path(member).stem: _read_npy(archive.open(member), path) for member in archive.namelist()}


def frame_files(folder: Path | str, kind: str | None = None) -> list[tuple[int, Path]]:
    """(frame number, path) of a clip's frame files: ``folder`` may be the clip, its ``results_dwpose`` or the
    json / npz / npy folder itself; ``kind`` picks one of several (default: the first of ``KINDS`` present)."""
    folder = Path(folder)
    if (folder / "results_dwpose").is_dir():
        folder = folder / "results_dwpose"
    kinds = [kind] if kind else KINDS
    folder = next((folder / name for name in kinds if (folder / name).is_dir()), folder)
    numbered = [(FRAME_FILE.match(path.name), path) for path in folder.iterdir()] if folder.is_dir() else []
    files = sorted(
        (int(match.group(1)), path) for match, path in numbered if match and (kind is None or match.group(2) == kind)
    )
    if not files:
        raise FileNotFoundError(f"{folder}: no <8-digit>.{{{','.join(kinds)}}} DWPose frame files")
    return files


def _person(frame: dict, index: int, skeleton: Skeleton, path: Path) -> tuple[dict, dict]:
    """Person ``index`` -> ({component: (n, 2) points}, {component: (n,) scores}), checked against the layout."""
    person = frame.get(f"person_{index}")
    if not isinstance(person, dict):
        raise ValueError(f"{path}: person_{index} missing (num_persons = {frame.get('num_persons')})")
    points, scores = {}, {}
    for component in skeleton.components:
        count = len(component.points)
        for key, shape, into in (("keypoints", (count, 2), points), ("scores", (count,), scores)):
            name = f"{component.name}_{key}"
            try:
                value = np.asarray(person[name], dtype=np.float64)
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}: person_{index}.{name}: {type(error).__name__}: {error}") from None
            if value.shape != shape:
                raise ValueError(
                    f"{path}: person_{index}.{name} has shape {value.shape}, expected {shape} "
                    f"(skeleton={skeleton.name} {component.name} has {count} points)"
                )
            if not np.isfinite(value).all():
                raise ValueError(f"{path}: person_{index}.{name} has non-finite values")
            into[component.name] = value
    return points, scores


def _reassign_hands(people: list[tuple[dict, dict]]) -> None:
    """Undo pipeline01's multi-person hand bug in place: its person p holds entries 2p, 2p + 1 of DWPose's
    [left hands of all persons, right hands of all persons]."""
    count = len(people)
    for values in (0, 1):  # points, then scores
        stacked = [person[values][side] for person in people for side in ("left_hand", "right_hand")]
        for index, person in enumerate(people):
            person[values]["left_hand"], person[values]["right_hand"] = stacked[index], stacked[count + index]


def _seen(scores: np.ndarray, kind: str) -> np.ndarray:
    """Which points a component's stored scores mark as seen (subset indices: >= 0; confidences: > 0)."""
    return scores >= 0 if kind == "subset_index" else scores > 0


def _body_box(points: dict, scores: dict, skeleton: Skeleton) -> tuple[np.ndarray, float]:
    """Centre and box area of a person's seen body points (all body points when none is seen)."""
    body, seen = points["body"], _seen(scores["body"], skeleton.scores["body"])
    body = body[seen] if seen.any() else body
    extent = np.ptp(body, axis=0)
    return body.mean(axis=0), float(extent[0] * extent[1])


def read_dwpose_clip(
    folder: Path | str,
    skeleton: Skeleton,
    storage: Storage | None = None,
    video_size: tuple[int, int] | None = None,
    kind: str | None = None,
) -> tuple[np.ndarray, np.ndarray, Counter]:
    """A clip's per-frame DWPose files -> ((T, frame_size) float32 frames, (T, points) float32 confidences,
    events); see the module docstring. ``video_size`` = (width, height) sets the aspect ratio."""
    if skeleton.dims != 2 or not skeleton.confidence or not skeleton.has("body"):
        raise ValueError(f"skeleton={skeleton.name}: DWPose frames need a 2D layout with scores and a body component")
    storage = storage or skeleton.storage
    aspect = video_size[0] / video_size[1] if video_size else storage.aspect_ratio
    files = frame_files(folder, kind)
    events = Counter(frames=len(files), missing_files=files[-1][0] - files[0][0] + 1 - len(files))
    coords, confidence, previous = [], [], None
    for _, path in files:
        frame = load_frame(path)
        count = int(np.asarray(frame.get("num_persons", 0)))
        if count < 1:
            raise ValueError(f"{path}: num_persons = {count}, expected at least 1")
        people = [_person(frame, index, skeleton, path) for index in range(count)]
        if count > 1:
            _reassign_hands(people)
            events.update(several_people=1, people_dropped=count - 1, hands_reassigned=1)
        boxes = [_body_box(points, scores, skeleton) for points, scores in people]
        if count == 1:
            pick = 0
        elif previous is None:
            pick = int(np.argmax([area for _, area in boxes]))
        else:
            pick = int(np.argmin([np.linalg.norm(centre - previous) for centre, _ in boxes]))
        previous = boxes[pick][0]
        points, scores = people[pick]
        events["no_body_seen"] += not _seen(scores["body"], skeleton.scores["body"]).any()
        coords.append(np.concatenate([points[component.name] for component in skeleton.components]))
        confidence.append(np.concatenate([scores[component.name] for component in skeleton.components]))
    joints, confidence = np.asarray(coords), np.asarray(confidence)
    for component in skeleton.components:
        if skeleton.scores[component.name] == "subset_index":
            confidence[:, component.slice] = _seen(confidence[:, component.slice], "subset_index")
    frames = np.empty((len(joints), skeleton.frame_size), np.float32)
    frames[:, : skeleton.num_coords] = joints.reshape(len(joints), -1)
    frames[:, 0 : skeleton.num_coords : 2] *= np.float32(aspect)
    frames[:, skeleton.counter_index] = counter_values(len(frames), storage.counter)
    return frames, confidence.astype(np.float32), events
