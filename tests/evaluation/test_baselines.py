"""Baselines: mean pose, nearest-neighbour retrieval and gloss-lexicon concatenation from training clips."""

import numpy as np
import pytest
import torch

from signllm.data.dataset import collate
from signllm.evaluation.baselines import GlossLexicon, MeanPose, NearestNeighbour, build_baselines, pack, resample
from signllm.evaluation.systems import clips
from signllm.skeleton import counter_values

from .conftest import make_datamodule
from .corpus import SIGN_FRAMES, signs
from ..layouts import OPENPOSE50


def batch_of(dataset, indices=None) -> dict:
    return collate([dataset[i] for i in (indices if indices is not None else range(len(dataset)))])


def test_pack_adds_counters_pads_and_caps():
    frames, lengths = pack([np.ones((3, OPENPOSE50.num_coords)), np.ones((5, OPENPOSE50.num_coords))], max_frames=4)
    assert lengths.tolist() == [3, 4] and frames.shape[:2] == (2, 4)
    assert torch.allclose(frames[1, :, OPENPOSE50.counter_index], torch.from_numpy(counter_values(4)).float())
    assert frames[0, 3].abs().sum() == 0


def test_resample_keeps_ends_and_interpolates():
    coords = np.arange(3, dtype=float)[:, None].repeat(2, 1)
    assert np.allclose(resample(coords, 5)[:, 0], [0, 0.5, 1, 1.5, 2])


def test_mean_pose_is_the_mean_training_frame_for_the_mean_duration(datamodule):
    train = clips(datamodule.dataset("train"))
    baseline = MeanPose(train)
    frames, lengths = baseline.generate(batch_of(datamodule.dataset("dev")))
    all_frames = np.concatenate([clip.frames[:, :OPENPOSE50.num_coords] for clip in train])
    assert lengths.tolist() == [round(len(all_frames) / len(train))] * len(lengths)
    assert np.allclose(frames[0, 0, :OPENPOSE50.num_coords].numpy(), all_frames.mean(0), atol=1e-6)


def test_nearest_neighbour_retrieves_the_most_similar_training_sentence(datamodule):
    train = clips(datamodule.dataset("train"))
    baseline = NearestNeighbour(train)
    assert [train[i].text for i in baseline.nearest([train[3].text, train[3].text.upper()])] == [train[3].text] * 2
    dev = batch_of(datamodule.dataset("dev"))
    frames, lengths = baseline.generate(dev)
    for row, index in enumerate(baseline.nearest(dev["text"])):
        assert np.allclose(frames[row, : lengths[row], :OPENPOSE50.num_coords].numpy(), train[index].frames[:, :OPENPOSE50.num_coords])


def test_gloss_lexicon_rebuilds_sentences_of_known_signs(datamodule):
    baseline = GlossLexicon(clips(datamodule.dataset("train")), datamodule.info.tokenizers, transition=2)
    lexicon = signs()
    assert np.allclose(baseline.signs["CAT"], lexicon["cat"], atol=1e-4)
    test = batch_of(datamodule.dataset("test"))
    frames, lengths = baseline.generate(test)
    for row, text in enumerate(test["text"]):
        words = text.split()
        assert lengths[row] == len(words) * SIGN_FRAMES + 2 * (len(words) - 1)
        first = frames[row, :SIGN_FRAMES, :OPENPOSE50.num_coords].numpy()
        assert np.allclose(first, lexicon[words[0]], atol=1e-4)
    assert len(baseline.sentence(["NEVER-SEEN"])) == len(baseline.unknown)


def test_lexicon_is_not_available_without_glosses(tmp_path):
    datamodule = make_datamodule(tmp_path, gloss=False)
    train = clips(datamodule.dataset("train"))
    assert list(build_baselines(train, datamodule.info.tokenizers)) == ["mean pose", "nearest neighbour", "low motion"]
    with pytest.raises(ValueError, match="not available"):
        GlossLexicon(train, datamodule.info.tokenizers)
