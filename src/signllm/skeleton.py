"""Pose layouts as values: a ``Skeleton`` describes any layout the field publishes (points, bones, face).

A layout is data, ``conf/skeleton/<name>.yaml`` (composed from ``conf/skeleton_part/``): named points grouped
in components (``body``, ``left_hand``, ``right_hand``, ``face``), each with bone chains (``tree``), drawn-only
chains (``contours``), an ``attach`` point in another component, the coordinate dimensions (2 or 3), whether
a confidence per point exists, and how the layout's files are stored (``storage``: scale, counter convention,
aspect ratio). ``Skeleton(config)`` derives everything else from that config: point indices, parents, bones,
mirror pairs, bone-length classes, drawing edges. The resolved config travels in DataInfo and checkpoints
(``to_dict`` / ``from_dict``), so a checkpoint needs no YAML to be rebuilt.

Inside the framework a frame is ``num_coords`` coordinates (``dims`` per point, point after point) followed
by the counter (``frame_size`` values); confidences, where a layout has them, travel beside the frames.
Points are named ``<component>.<point>`` (``body.l_wrist``, ``left_hand.wrist``, ``face.mp61``); layouts
convert into each other by these names. Mirror images follow the names: ``l_``/``r_`` points and
``left_``/``right_`` components swap.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

DEFAULT_LAYOUT = "openpose50"
COMPONENTS = ("body", "left_hand", "right_hand", "face")
COUNTER_CONVENTIONS = ("prompt2sign", "progressive_transformers", "dwpose")
SCORES = ("confidence", "subset_index")  # what a component's stored scores are
BLOCK_VALUES = ("coords", "scores")
CONF_DIR = Path(__file__).resolve().parents[2] / "conf"


class SkeletonError(ValueError):
    """A layout config that cannot describe a skeleton; the message names the config key."""


def counter_values(num_frames: int, convention: str = "prompt2sign") -> np.ndarray:
    """Counter of each frame: i/T for i = 1..T (prompt2sign, the framework's own), i/T for i = 0..T-1
    (progressive_transformers) or i/(T-1) for i = 0..T-1 (dwpose; 0 for a single frame)."""
    if convention not in COUNTER_CONVENTIONS:
        raise ValueError(f"unknown counter convention {convention!r}; expected one of {COUNTER_CONVENTIONS}")
    steps = np.arange(num_frames, dtype=np.float64)
    if convention == "prompt2sign":
        return (steps + 1) / num_frames
    if convention == "progressive_transformers":
        return steps / num_frames
    return steps / max(num_frames - 1, 1)


@dataclass(frozen=True)
class Storage:
    """How a corpus's files store a layout: stored = world / ``scale``, its counter convention, and the
    frame's width / height where coordinates were normalised per axis (x is multiplied by it on reading)."""

    scale: float = 1.0
    counter: str = "prompt2sign"
    aspect_ratio: float = 1.0

    def __post_init__(self):
        if self.counter not in COUNTER_CONVENTIONS:
            raise SkeletonError(f"storage.counter={self.counter!r}: expected one of {COUNTER_CONVENTIONS}")
        if not self.scale > 0 or not self.aspect_ratio > 0:
            raise SkeletonError(f"storage.scale and storage.aspect_ratio must be positive, got {self}")


@dataclass(frozen=True)
class Component:
    """A contiguous run of points: ``points`` are local names, ``start`` the index of the first."""

    name: str
    points: tuple[str, ...]
    start: int

    @property
    def slice(self) -> slice:
        return slice(self.start, self.start + len(self.points))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f"{self.name}.{point}" for point in self.points)


def _swap(name: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for left, right in pairs:
        if name.startswith(left):
            return right + name[len(left) :]
        if name.startswith(right):
            return left + name[len(right) :]
    return name


class Skeleton:
    """One pose layout, derived from its resolved config (see the module docstring)."""

    def __init__(self, config: Mapping):
        config = _plain(config)
        self.config = config
        self.name = str(config.get("name") or "custom")
        key = f"skeleton={self.name}"
        self.dims = int(config.get("dims", 3))
        if self.dims not in (2, 3):
            raise SkeletonError(f"{key}: dims must be 2 or 3, got {self.dims}")
        self.confidence = bool(config.get("confidence", False))
        self.visibility = float(config.get("visibility", 0.0))  # a point is seen when its score exceeds this
        self.storage = Storage(**(config.get("storage") or {}))
        specs = config.get("components") or {}
        if not specs or set(specs) - set(COMPONENTS):
            raise SkeletonError(f"{key}: components must be some of {COMPONENTS}, got {sorted(specs) or 'none'}")
        start, components = 0, []
        for name, spec in specs.items():
            points = tuple(str(point) for point in (spec or {}).get("points") or ())
            if not points or len(set(points)) != len(points):
                raise SkeletonError(f"{key}: components.{name}.points must be distinct names, at least one")
            components.append(Component(name, points, start))
            start += len(points)
        self.components = tuple(components)
        self.points = tuple(name for component in self.components for name in component.names)
        self._index = {name: index for index, name in enumerate(self.points)}
        self._derive_tree(specs, key)
        self._derive_classes()
        self.scores = {name: (spec or {}).get("scores", "confidence") for name, spec in specs.items()}
        if bad := {name: kind for name, kind in self.scores.items() if kind not in SCORES}:
            raise SkeletonError(f"{key}: components.*.scores must be one of {SCORES}, got {bad}")
        self.derive = {
            f"{name}.{point}": tuple(sources) for name, spec in specs.items() for point, sources in ((spec or {}).get("derive") or {}).items()
        }
        self.skels_blocks = self._blocks(config.get("skels"), key)
        # OpenPose JSON: component -> the keypoint array of a person whose first points are its points
        self.openpose = {str(name): str(array) for name, array in (config.get("openpose") or {}).items()}
        if unknown := set(self.openpose) - {c.name for c in self.components}:
            raise SkeletonError(f"{key}: openpose names components the layout lacks: {sorted(unknown)}")

    # --- sizes ------------------------------------------------------------------------------------

    @property
    def num_points(self) -> int:
        return len(self.points)

    @property
    def num_coords(self) -> int:
        return self.num_points * self.dims

    @property
    def frame_size(self) -> int:
        """Values of a frame inside the framework: coordinates, then the counter."""
        return self.num_coords + 1

    @property
    def counter_index(self) -> int:
        return self.num_coords

    @property
    def stored_frame_size(self) -> int:
        """Values of one frame of a ``.skels`` line in this layout (its blocks, then the counter)."""
        per_point = {"coords": self.dims, "scores": 1}
        return sum(len(self.points[self.component(name)]) * per_point[values] for name, values in self.skels_blocks) + 1

    # --- points -----------------------------------------------------------------------------------

    def has(self, component: str) -> bool:
        return any(c.name == component for c in self.components)

    def component(self, name: str) -> slice:
        """The point indices of a component, as a slice; KeyError naming the layout if it has none."""
        for component in self.components:
            if component.name == name:
                return component.slice
        raise KeyError(f"layout {self.name} has no {name} component (it has {[c.name for c in self.components]})")

    def index(self, point: str) -> int:
        """Index of a point by its global name, e.g. ``body.l_wrist``."""
        try:
            return self._index[point]
        except KeyError:
            raise KeyError(f"layout {self.name} has no point {point!r}") from None

    def to_joints(self, coords):
        """(..., num_coords) coordinates -> (..., num_points, dims); numpy arrays and torch tensors."""
        return coords.reshape(*coords.shape[:-1], self.num_points, self.dims)

    def bone_lengths(self, joints: np.ndarray) -> np.ndarray:
        """(..., num_points, dims) joints -> (..., num_bones) bone lengths."""
        parents, children = np.array(self.bones).T
        return np.linalg.norm(joints[..., children, :] - joints[..., parents, :], axis=-1)

    # --- derived structure ------------------------------------------------------------------------

    def _derive_tree(self, specs: Mapping, key: str) -> None:
        """Parents from the bone chains and ``attach`` points; anchors for tree-less components; edges."""
        parents = np.full(self.num_points, -1, dtype=np.int64)
        anchors = np.full(self.num_points, -1, dtype=np.int64)
        edges, contours = [], []
        for component in self.components:
            spec, where = specs[component.name] or {}, f"{key}: components.{component.name}"
            local = {point: component.start + offset for offset, point in enumerate(component.points)}

            def resolve(point: str, section: str) -> int:
                if point not in local:
                    raise SkeletonError(f"{where}.{section}: unknown point {point!r}")
                return local[point]

            chains = spec.get("tree") or []
            for chain in chains:
                for parent, child in zip(chain, chain[1:]):
                    parent, child = resolve(parent, "tree"), resolve(child, "tree")
                    if parents[child] not in (-1, parent):
                        raise SkeletonError(f"{where}.tree: {self.points[child]} has two parents")
                    parents[child] = parent
            attach = spec.get("attach")
            if attach is not None:
                if attach not in self._index:
                    raise SkeletonError(f"{where}.attach: unknown point {attach!r}")
                if chains:
                    parents[resolve(chains[0][0], "tree")] = self._index[attach]
                else:
                    anchors[component.slice] = self._index[attach]
            for name, chain in (spec.get("contours") or {}).items():
                indices = [resolve(point, f"contours.{name}") for point in chain]
                contours.append((component.name, str(name), tuple(indices)))
                edges += list(zip(indices, indices[1:]))
        self.parents, self.anchors = parents, anchors
        self.bones = tuple((int(parents[child]), child) for child in range(self.num_points) if parents[child] >= 0)
        self.edges = self.bones + tuple(edges)
        self.contours = tuple(contours)
        self._check_acyclic(key)

    def _check_acyclic(self, key: str) -> None:
        for start in range(self.num_points):
            seen, point = set(), start
            while point >= 0:
                if point in seen:
                    raise SkeletonError(f"{key}: the bone tree has a cycle through {self.points[point]}")
                seen.add(point)
                point = int(self.parents[point])

    def _derive_classes(self) -> None:
        """Mirror image of every point, and a bone-length class per bone shared with its mirror bone."""
        mirrored = []
        for name in self.points:
            component, point = name.split(".", 1)
            twin = f"{_swap(component, (('left_', 'right_'),))}.{_swap(point, (('l_', 'r_'),))}"
            mirrored.append(self._index.get(twin, self._index[name]))
        self.mirror = np.array(mirrored, dtype=np.int64)
        classes: dict[tuple[int, int], int] = {}
        for parent, child in self.bones:
            twin = (int(self.mirror[parent]), int(self.mirror[child]))
            classes[(parent, child)] = classes.get(twin, len(set(classes.values())))
        self.bone_class = np.array([classes[bone] for bone in self.bones], dtype=np.int64)
        self.num_bone_classes = len(set(classes.values()))

    def _blocks(self, blocks, key: str) -> tuple[tuple[str, str], ...]:
        """The ``.skels`` value blocks of a frame: (component, coords | scores); default all coordinates,
        then all scores where the layout has confidences."""
        if blocks is None:
            blocks = [[c.name, "coords"] for c in self.components]
            blocks += [[c.name, "scores"] for c in self.components] if self.confidence else []
        result = []
        for block in blocks:
            name, values = block
            self.component(name)
            if values not in BLOCK_VALUES or (values == "scores" and not self.confidence):
                raise SkeletonError(f"{key}: skels block {block}: values must be coords{' or scores' * self.confidence}")
            result.append((str(name), str(values)))
        return tuple(result)

    # --- storage and serialisation ----------------------------------------------------------------

    def storage_for(self, overrides: Mapping | None = None) -> Storage:
        """This layout's storage with a corpus's overrides (a language's ``storage.<layout>``) applied."""
        return replace(self.storage, **dict(overrides or {}))

    def to_dict(self) -> dict:
        """The resolved config (plain, JSON-safe): ``Skeleton.from_dict`` rebuilds an equal skeleton."""
        return copy.deepcopy(self.config)

    @classmethod
    def from_dict(cls, data: Mapping) -> Skeleton:
        return cls(data)

    def _structure(self) -> tuple:
        """What data and weights depend on: the points, their dimensions, scores and bones (format notes such
        as pose-format or OpenPose names may be added to a layout without making it another layout)."""
        return self.name, self.points, self.dims, self.confidence, self.bones

    def __eq__(self, other) -> bool:
        return isinstance(other, Skeleton) and self._structure() == other._structure()

    def __hash__(self) -> int:
        return hash((self.name, self.points))

    def __repr__(self) -> str:
        return f"Skeleton({self.name}: {self.num_points} points, {self.dims}D{', confidence' * self.confidence})"


def _plain(config) -> dict:
    """A config as plain Python containers (OmegaConf configs resolved)."""
    try:
        from omegaconf import Container, OmegaConf
    except ImportError:  # pragma: no cover - omegaconf is a dependency
        return copy.deepcopy(dict(config))
    if isinstance(config, Container):
        return OmegaConf.to_container(config, resolve=True)
    return copy.deepcopy(dict(config))


def load_skeleton(name: str = DEFAULT_LAYOUT) -> Skeleton:
    """The layout ``conf/skeleton/<name>.yaml``, composed by Hydra (inside a running Hydra app too)."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import MissingConfigException

    overrides = [f"+skeleton={name}"]
    try:
        if GlobalHydra.instance().is_initialized():
            return Skeleton(compose(overrides=overrides).skeleton)
        with initialize_config_dir(str(CONF_DIR), version_base="1.3"):
            return Skeleton(compose(overrides=overrides).skeleton)
    except MissingConfigException:
        known = sorted(path.stem for path in (CONF_DIR / "skeleton").glob("*.yaml"))
        raise SkeletonError(f"skeleton={name}: no such layout; known layouts: {', '.join(known)}") from None
