"""Every pose layout of conf/skeleton end to end on a tiny synthetic corpus, through the real configs.

Per layout: train.py's body trains a tiny MLSF and a tiny back-translator for a few steps, evaluate.py's body
scores the model beside the ceiling and the baselines, and ``signllm.load`` generates from text alone the clips
the evaluation scored and exports ``.pose`` files that pose-format reads back with the same frames (world units)
and confidences. A layout added to conf/skeleton is covered without touching this file.
"""

import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import open_dict
from pose_format import Pose

import signllm
from signllm.config import register
from signllm.data.formats.pose_names import layout_names
from signllm.evaluation.pipeline import CEILING, evaluate
from signllm.metrics.dtw import dtw
from signllm.render.export import write_outputs
from signllm.skeleton import load_skeleton
from signllm.training import train

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "conf"
LAYOUTS = sorted(path.stem for path in (CONF / "skeleton").glob("*.yaml"))
LANGUAGE = "asl"
STEPS = 3  # optimizer steps of each training run (one epoch of 12 clips in batches of 4)
MAX_FRAMES = 24  # generation cap: a barely trained model seldom stops by itself
CORPUS = ["data.synthetic.train=12", "data.synthetic.dev=4", "data.synthetic.test=4", "data.vocab_size=300", "data.batch_size=4"]
SHORT_RUN = ["trainer.max_epochs=1", f"+trainer.max_steps={STEPS}", "~callbacks.progress_bar"]
SYSTEMS = [CEILING, "tiny", "mean pose", "nearest neighbour", "gloss lexicon", "low motion"]

register(REPO)


@pytest.fixture(scope="module", autouse=True)
def restore_threads():
    """train() and evaluate() set torch's threads (to 1 here: tiny models run fastest on one, and two contend
    badly on a loaded 2-core machine); the rest of the session gets its own count back."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def compose_config(name: str, overrides: list[str], hydra: bool = False):
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        return compose(name, overrides=overrides, return_hydra_config=hydra)


def train_run(overrides: list[str], output_dir: Path) -> dict:
    """train.py's body in-process; the run's summary.json."""
    cfg = compose_config("train", [*overrides, f"paths.output_dir={output_dir}"], hydra=True)
    HydraConfig.instance().set_config(cfg)
    with open_dict(cfg):
        del cfg.hydra  # needs a running app to resolve; train() reads it through HydraConfig
    train(cfg)
    return json.loads((output_dir / "summary.json").read_text())


@pytest.fixture(scope="module", params=LAYOUTS)
def run(request, tmp_path_factory):
    """One layout's corpus, trained model and evaluator, evaluation report and test dataset."""
    layout, root = request.param, tmp_path_factory.mktemp(request.param)
    data = [f"skeleton={layout}", f"paths.data_dir={root}", "threads=1", *CORPUS]
    model = train_run([*data, "experiment=quickstart", f"model.max_frames={MAX_FRAMES}", *SHORT_RUN], root / "model")
    evaluator = train_run([*data, "experiment=backtranslator", *SHORT_RUN], root / "evaluator")
    cfg = compose_config(
        "evaluate",
        [
            *data,
            f"evaluator={evaluator['best_checkpoint']}",
            f"checkpoints={{tiny: {model['best_checkpoint']}}}",
            f"output_dir={root / 'evaluation'}",
            "batch_size=4",
            f"max_frames={MAX_FRAMES}",
            "device=cpu",
        ],
    )
    report = evaluate(cfg)
    datamodule = instantiate(cfg.data)
    datamodule.setup()
    test = datamodule.dataset("test")
    return SimpleNamespace(
        skeleton=load_skeleton(layout), model=model, evaluator=evaluator, report=report, test=test,
        output_dir=root / "evaluation",
    )


def test_tiny_models_train_in_the_layout(run):
    for summary, metric in ((run.model, "test/dtw"), (run.evaluator, "test/bleu4")):
        assert summary["global_step"] == STEPS and math.isfinite(summary["metrics"][metric])
    generator = signllm.load(run.model["best_checkpoint"])
    assert generator.info.skeleton == run.skeleton
    assert generator.info.mean_pose.shape == (run.skeleton.frame_size,)


def test_evaluation_reports_every_system_beside_the_ceiling(run):
    scores = run.report["scores"]
    assert list(scores) == SYSTEMS
    metrics = set(scores[CEILING]["test"])
    assert {"bleu4", "dtw", "dtw_mje", "slrtp_dtw_mje", "ndtw_hands", "variance_ratio"} <= metrics
    for name, splits in scores.items():
        assert list(splits) == ["dev", "test"]
        for split, values in splits.items():
            assert set(values) == metrics, (name, split)
            assert not [key for key, value in values.items() if not math.isfinite(value)], (name, split)
    for split in ("dev", "test"):
        assert scores[CEILING][split]["dtw"] == pytest.approx(0, abs=1e-4)
        assert scores[CEILING][split]["duration_ratio"] == 1
        assert scores["mean pose"][split]["dtw"] > 0


def test_an_slrtp_layout_gets_a_submission_per_split(run):
    """evaluate.py writes the challenge's ``name -> {name, text, gloss, poses_3d [N, 178, 3], speaker}`` file for
    every split of a ``slrtp178`` checkpoint, one entry per clip, and none for the other layouts."""
    files = sorted(run.output_dir.glob("submission_*.pt"))
    if run.skeleton.name != "slrtp178":
        assert files == []
        return
    assert [path.name for path in files] == ["submission_tiny_dev.pt", "submission_tiny_test.pt"]
    entries = torch.load(files[-1], weights_only=True)
    assert sorted(entries) == sorted(sample["id"] for sample in run.report["samples"]["tiny"]["test"])
    for name, entry in entries.items():
        assert {"name", "text", "gloss", "poses_3d"} <= set(entry) and entry["name"] == name
        poses = torch.as_tensor(entry["poses_3d"])
        assert poses.ndim == 3 and poses.shape[1:] == (178, 3) and 1 <= len(poses) <= MAX_FRAMES


def test_generation_from_text_alone_is_what_the_evaluation_scored(run):
    """``signllm.load`` sees only the texts; its clips have the evaluated model row's per-sample DTW and length."""
    samples = run.report["samples"]["tiny"]["test"]
    generator = signllm.load(run.model["best_checkpoint"])
    clips = generator.generate_clips([sample["reference"] for sample in samples], LANGUAGE, max_frames=MAX_FRAMES)
    for index, (sample, clip) in enumerate(zip(samples, clips, strict=True)):
        reference = run.test[index]
        assert sample["id"] == reference["id"]
        assert 1 <= len(clip.frames) <= MAX_FRAMES and np.isfinite(clip.frames).all()
        assert len(clip.frames) / len(reference["frames"]) == pytest.approx(sample["duration_ratio"])
        scored = dtw(torch.from_numpy(clip.frames), reference["frames"], run.skeleton.dims)["dtw"]
        assert scored == pytest.approx(sample["dtw"], rel=1e-4, abs=1e-5)


def assert_pose_file(path: Path, frames: np.ndarray, confidence, skeleton, scale: float, fps: float) -> None:
    """pose-format reads ``path`` as one person in the layout's components and points, in world units."""
    pose = Pose.read(path.read_bytes())
    header = [(component.name, list(component.points)) for component in pose.header.components]
    assert header == layout_names(skeleton)
    assert pose.body.fps == fps and pose.body.data.shape == (len(frames), 1, skeleton.num_points, skeleton.dims)
    world = skeleton.to_joints(frames[:, :-1]) * np.float32(scale)
    np.testing.assert_allclose(np.ma.getdata(pose.body.data)[:, 0], world, rtol=1e-6, atol=1e-6)
    expected = np.ones((len(frames), skeleton.num_points)) if confidence is None else confidence
    np.testing.assert_array_equal(np.asarray(pose.body.confidence)[:, 0], expected)


def test_exported_pose_files_read_back_by_pose_format(run, tmp_path):
    generator = signllm.load(run.model["best_checkpoint"])
    texts = [run.test[index]["text"] for index in range(len(run.test))]
    clips = generator.generate_clips(texts, LANGUAGE, max_frames=MAX_FRAMES, output_dir=tmp_path / "generated", formats=["pose"])
    storage, fps = generator.info.storage[LANGUAGE], generator.info.fps[LANGUAGE]
    assert storage == run.skeleton.storage  # asl sets none of its own: the layout's (openpose50: scale 9)
    for index, clip in enumerate(clips):
        assert_pose_file(tmp_path / "generated" / f"{index:04d}.pose", clip.frames, None, run.skeleton, storage.scale, fps)

    reference = run.test.splits[LANGUAGE][0]  # as stored, with the layout's scores where it has them
    assert (reference.confidence is not None) == run.skeleton.confidence
    (path,) = write_outputs(tmp_path / "reference", [reference], run.skeleton, storage, fps, ["pose"])
    assert_pose_file(path, reference.frames, reference.confidence, run.skeleton, storage.scale, fps)
