"""A layout's bone tree in lifting order, anchored points, and a clear refusal of forests."""

from __future__ import annotations

import numpy as np
import pytest

from signllm.preprocess.tree import Tree
from signllm.skeleton import SkeletonError, load_skeleton


def test_openpose50_keeps_its_point_order():
    skeleton = load_skeleton("openpose50")
    tree = Tree.of(skeleton)
    np.testing.assert_array_equal(tree.points, np.arange(skeleton.num_points))
    assert tree.bones == skeleton.bones and len(tree.anchored) == 0
    np.testing.assert_array_equal(tree.bone_class, skeleton.bone_class)


def test_every_point_after_its_parent_and_the_face_on_the_nose():
    skeleton = load_skeleton("dwpose")
    tree = Tree.of(skeleton)
    assert skeleton.points[tree.points[0]] == "body.nose"
    assert all(parent < child for parent, child in tree.bones)
    assert len(tree.points) + len(tree.anchored) == skeleton.num_points
    assert {skeleton.points[index].split(".")[0] for index in tree.anchored} == {"face"}
    assert {skeleton.points[tree.points[anchor]] for anchor in tree.anchors} == {"body.nose"}
    for parent, child in tree.bones:  # the layout's own bones, in the tree's positions
        assert skeleton.parents[tree.points[child]] == tree.points[parent]


@pytest.mark.parametrize("name", ["holistic178", "slrtp178"])
def test_a_forest_cannot_be_lifted(name):
    with pytest.raises(SkeletonError, match=rf"skeleton={name}: cannot lift a forest: 129 points .*attach"):
        Tree.of(load_skeleton(name))
