"""Evaluate production checkpoints against the ceiling and the baselines with a frozen back-translator.

    python evaluate.py evaluator=<backtranslator.ckpt> checkpoints=[<model.ckpt>] language=asl
    torchrun --nproc_per_node 2 evaluate.py ...        # sharded over ranks, same numbers

A user mistake (no evaluator, a missing or unreadable checkpoint, a bad split file, ...) prints one line and
exits with status 2 (HYDRA_FULL_ERROR=1 or +debug=true: the traceback).
"""

from pathlib import Path

import hydra
from omegaconf import DictConfig

from signllm.cli import entry_point
from signllm.config import register

register(Path(__file__).resolve().parent)


def check_inputs(cfg: DictConfig) -> None:
    """Every named checkpoint is a readable file holding the right kind of model, before any data is built."""
    from signllm.cli import ConfigError, load_checkpoint
    from signllm.evaluation.pipeline import checkpoint_names

    if not str(load_checkpoint(cfg.evaluator, "evaluator").get("module_class")).endswith(".BackTranslatorModule"):
        raise ConfigError(f"evaluator={cfg.evaluator}: not a back-translator (python train.py experiment=backtranslator)")
    for path in checkpoint_names(cfg.checkpoints).values():
        checkpoint = load_checkpoint(path, "checkpoints")
        if "data_info" not in checkpoint or str(checkpoint.get("module_class")).endswith(".BackTranslatorModule"):
            raise ConfigError(f"checkpoints: {path} is not a production model (MLSF or Prompt2LangGloss)")


@hydra.main(version_base="1.3", config_path="conf", config_name="evaluate")
@entry_point
def main(cfg: DictConfig) -> None:
    from signllm.evaluation.pipeline import evaluate

    check_inputs(cfg)
    evaluate(cfg)


if __name__ == "__main__":
    main()
