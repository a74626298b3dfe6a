"""Writing a checkpoint the way Lightning does (with the module's own hook), without a trainer."""

from pathlib import Path

import torch


def save_checkpoint(module, path: Path) -> Path:
    checkpoint = {"state_dict": module.state_dict(), "hyper_parameters": dict(module.hparams)}
    module.on_save_checkpoint(checkpoint)
    torch.save(checkpoint, path)
    return path
