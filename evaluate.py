"""Evaluate production checkpoints against the ceiling and the baselines with a frozen back-translator.

    python evaluate.py evaluator=<backtranslator.ckpt> checkpoints=[<model.ckpt>] language=asl
    torchrun --nproc_per_node 2 evaluate.py ...        # sharded over ranks, same numbers
"""

from pathlib import Path

import hydra
from omegaconf import DictConfig

from signllm.config import register

register(Path(__file__).resolve().parent)


@hydra.main(version_base="1.3", config_path="conf", config_name="evaluate")
def main(cfg: DictConfig) -> None:
    from signllm.evaluation.pipeline import evaluate

    evaluate(cfg)


if __name__ == "__main__":
    main()
