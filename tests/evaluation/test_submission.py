"""SLRTP submissions: generated clips of a slrtp178 split, read back as the challenge harness reads them."""

import numpy as np
import torch

from signllm.data.dataset import collate
from signllm.data.datamodule import SignDataModule
from signllm.data.skels import Clip, write_split
from signllm.evaluation import submission
from signllm.evaluation.systems import ground_truth
from signllm.skeleton import counter_values, load_skeleton


def test_a_generated_submission_reads_back_with_the_expected_keys_and_shapes(tmp_path):
    skeleton = load_skeleton(submission.LAYOUT)
    rng = np.random.default_rng(1)
    for split, count in (("train", 4), ("dev", 3), ("test", 2)):
        clips = []
        for i in range(count):
            frames = np.concatenate([rng.normal(size=(5 + i, skeleton.num_coords)), counter_values(5 + i)[:, None]], 1)
            clips.append(Clip(f"{split}-{i}", f"satz {i}", f"GLOSS{i}", frames.astype(np.float32)))
        write_split(tmp_path / "gsl", split, clips, skeleton)
    language = {"name": "Test", "fps": 25, "prompts": []}
    datamodule = SignDataModule(
        {"gsl": {**language, "root": str(tmp_path / "gsl")}}, skeleton, source="prompt2sign", cache_dir=str(tmp_path / "cache"), vocab_size=300
    )
    datamodule.setup()
    dataset = datamodule.dataset("dev")
    generated = submission.generated_clips(ground_truth, dataset, collate, 2, "cpu")
    path = submission.write_slrtp(tmp_path / "out" / "submission_dev.pt", generated, skeleton, scale=2.0)

    entries = torch.load(path, weights_only=True)  # as the harness's load_predictions reads it
    assert list(entries) == ["dev-0", "dev-1", "dev-2"]
    assert set(entries["dev-2"]) == {"name", "text", "gloss", "poses_3d", "speaker"} and entries["dev-2"]["gloss"] == "GLOSS2"
    assert entries["dev-2"]["poses_3d"].shape == (7, 178, 3) and entries["dev-2"]["poses_3d"].dtype == torch.float32
    stored = dataset.splits["gsl"][2].frames
    assert np.allclose(entries["dev-2"]["poses_3d"].numpy(), 2.0 * skeleton.to_joints(stored[:, :-1]), atol=1e-4)
    assert sorted(p.name for p in path.parent.iterdir()) == ["submission_dev.pt"]
