"""augmentation=plc composes with the others and builds the channel; loss=rl builds the RL loss."""

from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from signllm.callbacks.plc import PriorityLearningChannel
from signllm.losses.rl import RLLoss

CONF = Path(__file__).resolve().parents[2] / "conf"


def test_plc_merges_with_future_prediction_and_builds_the_channel():
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(overrides=["+augmentation=[fp,plc]", "+loss=rl"])
    assert cfg.augmentation.future_frames == 5 and cfg.augmentation.plc.skip_quantile == 0.5
    channel = PriorityLearningChannel(**cfg.augmentation.plc)
    assert channel.sampling["prefer"] == "high_reward" and channel.gate.quantile == 0.5
    assert isinstance(instantiate(cfg.loss), RLLoss)
