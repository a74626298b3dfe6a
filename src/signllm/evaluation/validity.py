"""Metric validity on real data: how often does a pose metric rank a second rendition of the same content nearest?

A pose distance is only evidence of sign quality if it tells the same content apart from different content.
For every metric and every set of real renditions (``TwinSet``), each rendition that has a twin (another
rendition with the same label) is a query; every other rendition of the set is a candidate, compared as the
hypothesis against the query as the reference; the query is a hit when its nearest candidate is a twin.
``validity_table`` reports hits / queries and the mean reciprocal rank of the first twin per metric and set.

Sets built from ``../shared/realdata`` (read in place, never copied):
- ``how2sign_set``: the How2Sign OpenPose clips (2D pixels, 24 fps); the ``-3``/``-5`` clips are two
  recordings of one sentence; labels are the sentences.
- ``dgs_gloss_set``: Public DGS Corpus sentences (MediaPipe holistic 178 points, 3D, 25 fps) cut into their
  glosses; a gloss that occurs twice (in two sentences, or twice in one) is a twin pair. The files join the
  signer's own gloss cut-outs with smoothed transitions, so cut points are approximate: each gloss gets a share
  of the clip proportional to its annotated duration; pieces under ``MIN_FRAMES`` frames are dropped; glosses
  are compared without the ``*``/``^`` modification marks.

Raw metrics read the points the framework's layout keeps (openpose50: upper body and hands; all 178 for the
DGS layout) as stored, missing points included, as evaluation would; the normalised ones use the masks.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from signllm.metrics import motion_audit, normalised, slrtp
from signllm.metrics.dtw import dtw
from signllm.skeleton import counter_values

MIN_FRAMES = 4


@dataclass(frozen=True)
class Layout:
    """Point indices of one data layout: component name -> indices, the framework's points, shoulders, wrists."""

    components: Mapping[str, np.ndarray]
    framework_points: np.ndarray
    shoulders: tuple[int, int]  # left, right
    wrists: tuple[int, int]  # left, right

    def points(self, *names: str) -> np.ndarray:
        return np.concatenate([self.components[name] for name in names])  # KeyError: a component it lacks


@dataclass(frozen=True)
class Rendition:
    id: str
    label: str
    joints: np.ndarray  # (T, J, D), missing points as stored
    mask: np.ndarray  # (T, J) bool, True where the point was seen


@dataclass(frozen=True)
class TwinSet:
    name: str
    layout: Layout
    renditions: tuple[Rendition, ...]


Metric = Callable[[Rendition, Rendition, Layout], float]

# pose-format component names -> our component names, and the shoulder / wrist point names
POSE_FORMAT_LAYOUTS = {
    "openpose": {
        "components": {"pose_keypoints_2d": "body", "face_keypoints_2d": "face", "hand_left_keypoints_2d": "left_hand", "hand_right_keypoints_2d": "right_hand"},
        "body_points": ("Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist"),
        "framework": ("body", "left_hand", "right_hand"),
        "shoulders": ("LShoulder", "RShoulder"),
        "wrists": ("LWrist", "RWrist"),
    },
    "holistic": {
        "components": {"POSE_LANDMARKS": "body", "FACE_LANDMARKS": "face", "LEFT_HAND_LANDMARKS": "left_hand", "RIGHT_HAND_LANDMARKS": "right_hand"},
        "body_points": None,
        "framework": ("body", "face", "left_hand", "right_hand"),
        "shoulders": ("LEFT_SHOULDER", "RIGHT_SHOULDER"),
        "wrists": ("LEFT_WRIST", "RIGHT_WRIST"),
    },
}


def pose_arrays(pose, kind: str) -> tuple[np.ndarray, np.ndarray, Layout]:
    """A pose-format Pose (first person) -> (joints (T, J, D), seen mask (T, J), Layout)."""
    spec = POSE_FORMAT_LAYOUTS[kind]
    components, start, body = {}, 0, None
    for component in pose.header.components:
        name = spec["components"].get(component.name)
        indices = np.arange(start, start + len(component.points))
        if name == "body":
            body = dict(zip(component.points, indices))
            if spec["body_points"]:
                indices = np.array([body[p] for p in spec["body_points"]])
        if name:
            components[name] = indices
        start += len(component.points)
    data = pose.body.data[:, 0]
    joints = np.asarray(data.filled(0) if np.ma.isMaskedArray(data) else data, np.float64)
    mask = np.asarray(pose.body.confidence[:, 0] > 0)
    layout = Layout(
        components,
        np.concatenate([components[name] for name in spec["framework"]]),
        tuple(int(body[p]) for p in spec["shoulders"]),
        tuple(int(body[p]) for p in spec["wrists"]),
    )
    return joints, mask, layout


def how2sign_set(folder: Path | str) -> TwinSet:
    """The How2Sign OpenPose clips of ``folder`` (``clips.tsv`` + ``json/<clip>/``), labelled by sentence."""
    from pose_format.utils.openpose import load_openpose_directory

    folder = Path(folder)
    renditions, layout = [], None
    for line in (folder / "clips.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        clip_id, _, fps, width, height, _, sentence = line.split("\t")
        pose = load_openpose_directory(str(folder / "json" / clip_id), fps=float(fps), width=int(width), height=int(height))
        joints, mask, layout = pose_arrays(pose, "openpose")
        renditions.append(Rendition(clip_id, sentence, joints, mask))
    return TwinSet("How2Sign sentences (2D)", layout, tuple(renditions))


def gloss_label(gloss: str) -> str:
    """A DGS gloss without its modification marks: ``GEHÖREN1^*`` -> ``GEHÖREN1``."""
    return re.sub(r"[*^]+$", "", gloss)


def dgs_gloss_set(folder: Path | str) -> TwinSet:
    """Every gloss piece of the ``<id>_original.pose`` sentences of ``folder``, labelled by gloss."""
    from pose_format import Pose

    renditions, layout = [], None
    for path in sorted(Path(folder).glob("*_original.pose")):
        pose = Pose.read(path.read_bytes())
        joints, mask, layout = pose_arrays(pose, "holistic")
        glosses = json.loads(path.with_name(path.name.replace("_original.pose", "_metadata.json")).read_text(encoding="utf-8"))
        glosses = glosses["sentence"]["glosses"]
        durations = np.subtract(glosses["end"], glosses["start"], dtype=np.float64)
        bounds = np.round(np.concatenate([[0], np.cumsum(durations)]) / durations.sum() * len(joints)).astype(int)
        for k, (gloss, start, stop) in enumerate(zip(glosses["gloss"], bounds[:-1], bounds[1:])):
            if stop - start >= MIN_FRAMES:
                piece = slice(start, stop)
                renditions.append(Rendition(f"{path.stem}:{k}:{gloss}", gloss_label(gloss), joints[piece], mask[piece]))
    return TwinSet("DGS-corpus glosses (3D)", layout, tuple(renditions))


def _log_ratio_distance(ratio: float) -> float:
    return abs(float(np.log(ratio))) if ratio > 0 else float("inf")


def _slrtp_pair(hyp: Rendition, ref: Rendition, layout: Layout) -> dict[str, float]:
    (h,), (r,) = slrtp.frame_rate_rule([hyp.joints[:, layout.framework_points]], [ref.joints[:, layout.framework_points]])
    left, right = (int(np.flatnonzero(layout.framework_points == w)[0]) for w in layout.wrists)
    return slrtp.corpus_pose_scores([slrtp.pair_statistics(h, r, left, right)])


def _ours(hyp: Rendition, ref: Rendition, layout: Layout) -> dict[str, float]:
    """The framework's PT DTW and DTW-MJE, on framework frames (coordinates as stored, then the counter)."""

    def frames(x: Rendition) -> np.ndarray:
        coords = x.joints[:, layout.framework_points].reshape(len(x.joints), -1)
        return np.concatenate([coords, counter_values(len(coords))[:, None]], axis=1)

    return dtw(frames(hyp), frames(ref), dims=hyp.joints.shape[-1])


def _normalised(points: Sequence[str] | None, per="clip", masked=True, trajectory=False, motion_only=False) -> Metric:
    def metric(hyp: Rendition, ref: Rendition, layout: Layout) -> float:
        selected = layout.framework_points if points is None else layout.points(*points)
        masks = (hyp.mask, ref.mask) if masked else (None, None)
        hyp_n, ref_n = (normalised.shoulder_normalise(x.joints, x.mask, layout.shoulders, per) for x in (hyp, ref))
        if motion_only:
            hyp_n, ref_n = (normalised.remove_mean_pose(x, m) for x, m in zip((hyp_n, ref_n), masks))
        distance = normalised.trajectory_dtw_mje if trajectory else normalised.masked_dtw_mje
        return distance(hyp_n, ref_n, *masks, points=selected)

    return metric


def _velocity_distance(hyp: Rendition, ref: Rendition, layout: Layout) -> float:
    ratio = motion_audit.corpus_ratios([motion_audit.pair_statistics(*(x.joints[:, layout.framework_points] for x in (hyp, ref)))])
    return _log_ratio_distance(ratio["velocity_ratio"])


# statistics of motion amount / duration, ranked by |log ratio|: reported, never recommended (they ignore poses)
RATIO_METRICS = ("SLRTP Total Distance, abs log", "SLRTP Average Duration, abs log", "velocity ratio, abs log")


def metrics() -> dict[str, Metric]:
    """Every metric of the study by table name (distances: lower = closer)."""
    return {
        "PT DTW (ours)": lambda h, r, layout: _ours(h, r, layout)["dtw"],
        "DTW-MJE (ours)": lambda h, r, layout: _ours(h, r, layout)["dtw_mje"],
        "SLRTP DTW-MJE": lambda h, r, layout: _slrtp_pair(h, r, layout)["slrtp_dtw_mje"],
        RATIO_METRICS[0]: lambda h, r, layout: _log_ratio_distance(_slrtp_pair(h, r, layout)["slrtp_total_distance"]),
        RATIO_METRICS[1]: lambda h, r, layout: _log_ratio_distance(_slrtp_pair(h, r, layout)["slrtp_avg_duration"]),
        RATIO_METRICS[2]: _velocity_distance,
        "nDTW-MJE all": _normalised(None),
        "nDTW-MJE all, per-frame norm.": _normalised(None, per="frame"),
        "nDTW-MJE all, unmasked": _normalised(None, masked=False),
        "nDTW-MJE all, motion only": _normalised(None, motion_only=True),
        "nDTW-MJE body": _normalised(("body",)),
        "nDTW-MJE hands": _normalised(("left_hand", "right_hand")),
        "nDTW-MJE hands, motion only": _normalised(("left_hand", "right_hand"), motion_only=True),
        "nDTW-MJE face": _normalised(("face",)),
        "trajectory nDTW-MJE hands": _normalised(("left_hand", "right_hand"), trajectory=True),
    }


def twin_ranking(twin_set: TwinSet, metric: Metric) -> tuple[int, int, float]:
    """(hits, queries, mean reciprocal rank of the first twin) of one metric on one set."""
    items = twin_set.renditions
    hits, reciprocal = 0, []
    for q, query in enumerate(items):
        candidates = [c for c in range(len(items)) if c != q]
        twins = {c for c in candidates if items[c].label == query.label}
        if not twins:
            continue
        distances = [metric(items[c], query, twin_set.layout) for c in candidates]
        order = [candidates[k] for k in np.argsort(distances, kind="stable")]
        hits += order[0] in twins
        reciprocal.append(1.0 / (1 + min(order.index(t) for t in twins)))
    return hits, len(reciprocal), float(np.mean(reciprocal)) if reciprocal else float("nan")


def chance(twin_set: TwinSet) -> tuple[float, int, float]:
    """(expected hits, queries, expected MRR) of a random ranking, the floor every metric must clear."""
    hits, reciprocal = 0.0, []
    labels = [r.label for r in twin_set.renditions]
    candidates = len(labels) - 1
    for label in labels:
        twins = labels.count(label) - 1
        if twins:
            hits += twins / candidates
            first = [math.comb(candidates - k, twins - 1) / math.comb(candidates, twins) for k in range(1, candidates - twins + 2)]
            reciprocal.append(sum(p / k for k, p in enumerate(first, start=1)))
    return hits, len(reciprocal), float(np.mean(reciprocal)) if reciprocal else float("nan")


def validity_table(twin_sets: Sequence[TwinSet], metric_table: Mapping[str, Metric]) -> list[dict]:
    """One row per metric: per set (hits, queries, MRR), or None where the set lacks the metric's points."""
    rows = [{"metric": "chance (random ranking)", **{twin_set.name: chance(twin_set) for twin_set in twin_sets}}]
    for name, metric in metric_table.items():
        row = {"metric": name}
        for twin_set in twin_sets:
            try:
                row[twin_set.name] = twin_ranking(twin_set, metric)
            except KeyError:  # a component this layout does not have
                row[twin_set.name] = None
        rows.append(row)
    return rows


def recommend(rows: Sequence[Mapping]) -> str:
    """The pose distance with the most hits over all sets (where it applies to every set), then the best mean MRR."""
    complete = [
        row for row in rows[1:] if row["metric"] not in RATIO_METRICS and all(v is not None for k, v in row.items() if k != "metric")
    ]

    def merit(row):
        results = [value for key, value in row.items() if key != "metric"]
        return sum(h for h, _, _ in results) / sum(q for _, q, _ in results), float(np.mean([m for _, _, m in results]))

    return max(complete, key=merit)["metric"]


def markdown(rows: Sequence[Mapping]) -> str:
    """The table: one column per set, ``hits/queries (MRR)``."""
    sets = [key for key in rows[0] if key != "metric"]
    lines = ["| metric | " + " | ".join(f"{s}: twin nearest (MRR)" for s in sets) + " |", "| --- |" + " ---: |" * len(sets)]
    for row in rows:
        cells = ["n/a" if row[s] is None else f"{row[s][0]:.3g}/{row[s][1]} ({row[s][2]:.2f})" for s in sets]
        lines.append(f"| {row['metric']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
