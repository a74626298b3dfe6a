"""Train a SignLLM model.

    python train.py                                   # MLSF, base size, built-in synthetic corpus (asl)
    python train.py model=prompt2langgloss language=[asl,gsl] size=tiny trainer=cpu
    python train.py name=myrun augmentation=plc loss=rl   # a named run: outputs/train/runs/myrun
    python train.py name=myrun resume=true            # continue it, with its own settings
    python train.py -m experiment=ablation/base,ablation/fp   # a sweep

A user mistake prints one line and exits with status 2 (HYDRA_FULL_ERROR=1 or debug=true: the traceback).
"""

from pathlib import Path

import hydra
from omegaconf import DictConfig

from signllm.cli import entry_point
from signllm.config import register

register(Path(__file__).resolve().parent)


@hydra.main(version_base="1.3", config_path="conf", config_name="train")
@entry_point
def main(cfg: DictConfig) -> float | None:
    from signllm.training import train

    return train(cfg)


if __name__ == "__main__":
    main()
