"""A small signer in any layout, built from the layout's own description, waving its arms and shaking its head.

Body points stand where their names say (a table of the body vocabulary), fingers fan out of each wrist
along the hand's bone tree, and face points lie on the shape their contour's name says (eyes, brows, lips,
nose, oval or jaw). Points a detector would not see (legs) get confidence 0 and coordinates 0, as DWPose
writes them.
"""

import numpy as np

from signllm.skeleton import Skeleton, counter_values

BODY = {  # x to the signer's left (image right), y downwards, about -0.5..0.5
    "nose": (0, -0.45), "neck": (0, -0.25), "r_eye": (-0.035, -0.49), "l_eye": (0.035, -0.49),
    "r_ear": (-0.08, -0.46), "l_ear": (0.08, -0.46), "r_shoulder": (-0.2, -0.22), "l_shoulder": (0.2, -0.22),
    "r_elbow": (-0.3, 0.05), "l_elbow": (0.3, 0.05), "r_wrist": (-0.16, -0.08), "l_wrist": (0.16, -0.08),
    "r_hip": (-0.12, 0.35), "l_hip": (0.12, 0.35),
}
UNSEEN = ("knee", "ankle")  # body points out of the picture
FACE_CENTRE = (0, -0.43)
# contour word -> centre (x towards the signer's left), radii, arc (start, end in turns; a closed contour: whole)
FACE_SHAPES = (
    ("brow", (0.032, -0.045), (0.022, 0.008), (0.5, 1.0)),
    ("eye", (0.032, -0.02), (0.016, 0.006), (0.5, 1.5)),
    ("lips_inner", (0, 0.052), (0.018, 0.004), (0.5, 1.5)),
    ("lips", (0, 0.052), (0.03, 0.012), (0.5, 1.5)),
    ("nose_base", (0, 0.022), (0.014, 0.004), (0.5, 0.0)),
    ("nose", (0, 0.0), (0.0, 0.022), (0.75, 1.25)),
    ("jaw", (0, -0.01), (0.075, 0.095), (0.5, 0.0)),
    ("", (0, 0), (0.075, 0.1), (0.75, 1.75)),
)


def _ellipse(count: int, centre, radii, arc) -> np.ndarray:
    turns = np.linspace(*arc, count) * 2 * np.pi
    return np.array(centre) + np.stack([np.cos(turns), np.sin(turns)], axis=-1) * radii


def _face(skeleton: Skeleton, positions: np.ndarray) -> None:
    part = skeleton.component("face")
    placed = np.zeros(skeleton.num_points, dtype=bool)
    centre = positions[skeleton.index("body.nose")] + (0, 0.02) if "body.nose" in skeleton.points else FACE_CENTRE
    positions[part] = centre
    for component, name, chain in skeleton.contours:
        if component != "face":
            continue
        offset, radii, arc = next(shape for word, *shape in FACE_SHAPES if word in name)
        side = -1 if name.startswith("right") else 1
        shape = _ellipse(len(chain), (side * offset[0], offset[1]), radii, arc)
        for point, xy in zip(chain, shape):
            if not placed[point]:
                positions[point], placed[point] = centre + xy, True


def _hand(skeleton: Skeleton, part: slice, positions: np.ndarray, rng: np.random.Generator) -> None:
    """Fingers fanned upwards from the wrist, one branch of the bone tree per finger."""
    parents = skeleton.parents
    inside = lambda point: part.start <= point < part.stop  # noqa: E731
    heads = [p for p in range(part.start, part.stop) if inside(parents[p]) and not inside(parents[parents[p]])]
    for point in range(part.start, part.stop):  # parents come first within a hand
        parent = parents[point]
        if not inside(parent):
            positions[point] = positions[parent] if parent >= 0 else positions[point]
            continue
        top = point
        while top not in heads:
            top = parents[top]
        angle = np.pi * (-0.5 + 0.7 * (heads.index(top) / max(len(heads) - 1, 1) - 0.5))
        step = 0.025 * np.array([np.cos(angle), np.sin(angle)])
        positions[point] = positions[parent] + step + rng.normal(0, 0.002, 2)


def signer(skeleton: Skeleton, num_frames: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """(T, frame_size) float32 frames and (T, num_points) confidences (None if the layout has none)."""
    rng = np.random.default_rng(seed)
    depth = rng.normal(0, 0.02, skeleton.num_points)
    frames = np.zeros((num_frames, skeleton.frame_size), dtype=np.float32)
    confidence = np.ones((num_frames, skeleton.num_points), dtype=np.float32)
    local = [name.split(".", 1) for name in skeleton.points]
    unseen = [any(word in point for word in UNSEEN) for _, point in local]
    for t in range(num_frames):
        wave, shake = 0.1 * np.sin(t / 3), 0.01 * np.sin(t)
        positions = np.zeros((skeleton.num_points, 2))
        for index, (component, point) in enumerate(local):
            if component == "body" and point in BODY:
                positions[index] = BODY[point] + np.array([0, -wave * ("wrist" in point)])
        for component in skeleton.components:
            if component.name.endswith("hand"):
                _hand(skeleton, component.slice, positions, rng)
        if skeleton.has("face"):
            _face(skeleton, positions)
            positions[skeleton.component("face"), 0] += shake
        positions[unseen] = 0
        joints = np.concatenate([positions, depth[:, None]], axis=1)[:, : skeleton.dims]
        frames[t, : skeleton.num_coords] = joints.reshape(-1)
    confidence[:, unseen] = 0
    frames[:, skeleton.counter_index] = counter_values(num_frames)
    return frames, confidence if skeleton.confidence else None
