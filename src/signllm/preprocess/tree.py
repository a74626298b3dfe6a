"""A layout's bone tree in the order the lifting walks it, and the tree-less points that hang on it.

The lifting needs one tree: a single root, every other tree point hung on a parent by a bone. Points of a
tree-less component with an ``attach`` point (``Skeleton.anchors``, e.g. the face on the nose) are not
fitted: they keep their observed 2D position and take their anchor's depth. A layout whose points form
several trees (a component with neither bones to the rest nor an ``attach`` point) cannot be lifted.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from signllm.skeleton import Skeleton, SkeletonError


@dataclass(frozen=True)
class Tree:
    """``points``: layout indices of the tree points, root first, every point after its parent; bone b hangs
    tree point b + 1 on ``parents[b + 1]`` (a position in ``points``) and has length class ``bone_class[b]``.
    ``anchored``: layout indices of the tree-less points; ``anchors``: their anchors' positions in ``points``."""

    points: np.ndarray
    parents: np.ndarray
    bone_class: np.ndarray
    num_classes: int
    anchored: np.ndarray
    anchors: np.ndarray

    @property
    def bones(self) -> tuple[tuple[int, int], ...]:
        """(parent, child) positions in ``points``, bone b hanging child b + 1."""
        return tuple((int(self.parents[child]), child) for child in range(1, len(self.points)))

    @classmethod
    def of(cls, skeleton: Skeleton) -> Tree:
        """The tree of a layout; SkeletonError naming the layout if it has several roots or a stray anchor."""
        parents, anchors = skeleton.parents, skeleton.anchors
        roots = np.flatnonzero((parents < 0) & (anchors < 0))
        if len(roots) != 1:
            names = ", ".join(skeleton.points[root] for root in roots[:4]) + (" ..." if len(roots) > 4 else "")
            raise SkeletonError(
                f"skeleton={skeleton.name}: cannot lift a forest: {len(roots)} points have no parent and no anchor "
                f"({names}); give each component bones to the rest or an attach point (components.<name>.attach)"
            )
        in_tree = anchors < 0
        anchored = np.flatnonzero(~in_tree)
        if not in_tree[anchors[anchored]].all():
            raise SkeletonError(f"skeleton={skeleton.name}: an attach point of a tree-less component is not in the tree")
        children: dict[int, list[int]] = {}
        for parent, child in skeleton.bones:
            children.setdefault(parent, []).append(child)
        order, frontier = [], [int(roots[0])]  # smallest index first: a layout already in tree order keeps it
        while frontier:
            point = heapq.heappop(frontier)
            order.append(point)
            for child in children.get(point, ()):
                heapq.heappush(frontier, child)
        points = np.array(order, dtype=np.int64)
        position = np.full(skeleton.num_points, -1, dtype=np.int64)
        position[points] = np.arange(len(points))
        class_of_child = dict(zip((child for _, child in skeleton.bones), skeleton.bone_class.tolist()))
        return cls(
            points=points,
            parents=np.where(parents[points] >= 0, position[np.maximum(parents[points], 0)], -1),
            bone_class=np.array([class_of_child[int(point)] for point in points[1:]], dtype=np.int64),
            num_classes=skeleton.num_bone_classes,
            anchored=anchored,
            anchors=position[anchors[anchored]],
        )
