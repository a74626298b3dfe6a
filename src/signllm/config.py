"""Hydra/OmegaConf glue shared by the entry points: resolvers and the project root."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from omegaconf import OmegaConf


def _run_id() -> str:
    """A folder name that sorts by start time and never collides (random suffix)."""
    return time.strftime("%Y-%m-%d_%H-%M-%S") + "_" + secrets.token_hex(3)


def register(root: Path | str) -> None:
    """Register the resolvers the configs use; default SIGNLLM_ROOT (paths.root_dir) to `root`."""
    os.environ.setdefault("SIGNLLM_ROOT", str(root))
    if not OmegaConf.has_resolver("run_id"):
        OmegaConf.register_new_resolver("run_id", _run_id, use_cache=True)
        OmegaConf.register_new_resolver("run_name", lambda name: name if name else _run_id(), use_cache=True)
