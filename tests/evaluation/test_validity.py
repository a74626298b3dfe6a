"""The validity study: twin ranking, chance level, recommendation, and the real-data loaders."""

import numpy as np
import pytest

from signllm.evaluation import validity

LAYOUT = validity.Layout(
    components={"body": np.arange(0, 4), "left_hand": np.arange(4, 6), "right_hand": np.arange(6, 8)},
    framework_points=np.arange(8),
    shoulders=(0, 1),
    wrists=(2, 3),
)


def _rendition(label: int, scale: float, shift: float, frames: int) -> validity.Rendition:
    """A clip of motion pattern ``label``, drawn at ``scale`` and ``shift`` (shoulders included)."""
    t = np.linspace(0, 1, frames)[:, None]
    joints = np.zeros((frames, 8, 3))
    joints[:, 0], joints[:, 1] = [0.5, 0, 0], [-0.5, 0, 0]
    for point in range(2, 8):
        phase = 2.5 * label + point
        joints[:, point, 0] = 0.3 * np.sin(6 * t[:, 0] + phase)
        joints[:, point, 1] = 0.3 * np.cos((3 + label) * t[:, 0] + phase) - 0.5
    return validity.Rendition(f"{label}-{scale}", str(label), joints * scale + shift, np.ones((frames, 8), bool))


@pytest.fixture(scope="module")
def twin_set() -> validity.TwinSet:
    """Three contents, each signed twice: once small and centred, once large, far away and slower."""
    renditions = [_rendition(label, 1.0, 0.0, 20) for label in range(3)] + [_rendition(label, 2.5, 7.0, 31) for label in range(3)]
    return validity.TwinSet("crafted", LAYOUT, tuple(renditions))


def test_normalisation_finds_twins_that_raw_distances_miss(twin_set):
    metrics = validity.metrics()
    assert validity.twin_ranking(twin_set, metrics["nDTW-MJE all"]) == (6, 6, 1.0)
    hits, queries, _ = validity.twin_ranking(twin_set, metrics["DTW-MJE (ours)"])
    assert queries == 6 and hits == 0  # a raw distance ranks the clip at the same size and place nearest


def test_chance_level():
    renditions = tuple(validity.Rendition(str(i), str(i // 2), np.zeros((4, 8, 3)), np.ones((4, 8), bool)) for i in range(6))
    hits, queries, mrr = validity.chance(validity.TwinSet("pairs", LAYOUT, renditions))
    assert (hits, queries) == (pytest.approx(6 / 5), 6)
    assert mrr == pytest.approx(np.mean(1 / np.arange(1, 6)))


def test_table_marks_missing_components_and_recommends_a_distance(twin_set):
    chosen = {name: validity.metrics()[name] for name in ("DTW-MJE (ours)", "nDTW-MJE hands", "nDTW-MJE face", validity.RATIO_METRICS[1])}
    rows = validity.validity_table([twin_set], chosen)
    assert rows[0]["metric"].startswith("chance") and next(r for r in rows if r["metric"] == "nDTW-MJE face")["crafted"] is None
    assert validity.recommend(rows) == "nDTW-MJE hands"
    assert "| nDTW-MJE face | n/a |" in validity.markdown(rows)


def test_real_twin_sets_load(realdata):
    how2sign = validity.how2sign_set(realdata / "how2sign-openpose-prompt2sign")
    assert len(how2sign.renditions) == 5 and how2sign.renditions[0].joints.shape[1:] == (137, 2)
    assert sorted(r.label for r in how2sign.renditions).count(how2sign.renditions[0].label) == 2
    dgs = validity.dgs_gloss_set(realdata / "dgs-corpus-fluent-pose-synthesis" / "train")
    assert all(len(r.joints) >= validity.MIN_FRAMES and r.joints.shape[1:] == (178, 3) for r in dgs.renditions)
    assert validity.gloss_label("GEHÖREN1^*") == "GEHÖREN1" and {"ICH1", "$GEST-OFF"} <= {r.label for r in dgs.renditions}
