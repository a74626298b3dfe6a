"""What the entry points share: a user mistake ends in one line and exit status 2, never a traceback.

train.py, evaluate.py, generate.py and ``python -m signllm.preprocess`` wrap their Hydra task in ``entry_point``.
A user mistake is an exception of a type in ``USER_ERRORS``: our ``UserError`` (``ConfigError``,
``GenerationError``, ``CacheError``, ...), a split file's ``FormatError``, a layout's ``SkeletonError``, a named
input that does not exist (``FileNotFoundError``) or a setting left ``???`` -- also when Hydra's ``instantiate``
wrapped it. Anything else is a bug and keeps its traceback. ``HYDRA_FULL_ERROR=1`` or ``debug=true`` shows the
traceback of a user mistake too; inside a multirun the exception is raised as is, so sweepers count the failed job.
A run that fails leaves no run folder when it wrote nothing besides Hydra's bookkeeping (``.hydra/``, the log).
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from pathlib import Path

from omegaconf.errors import MissingMandatoryValue


class UserError(ValueError):
    """A mistake in what the user asked for; ``str(error)`` is one line meant for the user."""


class ConfigError(UserError):
    """A configuration that cannot run; the message names the config keys involved."""


def _user_error_types() -> tuple[type[BaseException], ...]:
    from signllm.data.skels import FormatError
    from signllm.skeleton import SkeletonError

    return UserError, FormatError, SkeletonError, FileNotFoundError, MissingMandatoryValue


def user_message(error: BaseException) -> str | None:
    """The one-line message of a user mistake; None for anything else (a bug)."""
    from hydra.errors import InstantiationException

    if isinstance(error, InstantiationException) and error.__cause__ is not None:
        return user_message(error.__cause__)
    if not isinstance(error, _user_error_types()):
        return None
    if isinstance(error, MissingMandatoryValue):
        return f"{error.full_key}: no value given; set it on the command line, e.g. {error.full_key}=..."
    if isinstance(error, FileNotFoundError) and error.filename:
        return f"{error.filename}: no such file or folder"
    text = " ".join(line.strip() for line in str(error).strip().splitlines() if line.strip())
    return text or type(error).__name__


def load_checkpoint(path, key: str, mmap: bool = True) -> dict:
    """A checkpoint named by setting ``key`` (memory-mapped: weights are read on use); a missing, truncated or
    foreign file is a ``ConfigError`` naming the setting."""
    import torch

    if not path or not Path(path).is_file():
        raise ConfigError(f"{key}={path}: no such checkpoint file")
    try:
        return torch.load(path, map_location="cpu", weights_only=True, mmap=mmap)
    except Exception as error:  # truncated, not a zip, not a torch file, ...: say so in one line
        reason = str(error).strip().splitlines()[0].split(". ")[0] if str(error).strip() else type(error).__name__
        raise ConfigError(f"{key}={path}: not a readable checkpoint ({reason})") from None


def _debugging(cfg) -> bool:
    return os.environ.get("HYDRA_FULL_ERROR") == "1" or bool(cfg.get("debug", False))


def _rank_zero() -> bool:
    return all(os.environ.get(name, "0") == "0" for name in ("RANK", "LOCAL_RANK", "SLURM_PROCID"))


def remove_if_unused(run_dir: Path) -> bool:
    """Remove ``run_dir`` when it holds nothing but Hydra's bookkeeping (``.hydra/``, ``*.log`` at the top)."""
    if not run_dir.is_dir():
        return False
    for path in run_dir.rglob("*"):
        if path.is_dir():
            continue
        relative = path.relative_to(run_dir)
        if relative.parts[0] != ".hydra" and not (len(relative.parts) == 1 and path.suffix == ".log"):
            return False
    shutil.rmtree(run_dir, ignore_errors=True)
    return True


def _run_dir() -> Path | None:
    from hydra.core.hydra_config import HydraConfig

    return Path(HydraConfig.get().runtime.output_dir) if HydraConfig.initialized() else None


def _multirun() -> bool:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    return HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN


def entry_point(task):
    """Decorate a Hydra task function (under ``@hydra.main``) with the shared handling of failures."""

    @functools.wraps(task)
    def run(cfg):
        try:
            return task(cfg)
        except Exception as error:
            run_dir = _run_dir()
            if run_dir is not None and _rank_zero() and not _multirun():
                remove_if_unused(run_dir)
            message = user_message(error)
            if message is None or _debugging(cfg) or _multirun():
                raise
            print(f"error: {message}", file=sys.stderr)
            sys.exit(2)

    return run
