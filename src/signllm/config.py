"""Hydra/OmegaConf glue shared by the entry points: resolvers, the project root, `--help`, what a command
line changed, and settings adopted from elsewhere (a run's saved config, a checkpoint)."""

from __future__ import annotations

import logging
import os
import secrets
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf, open_dict

ABSENT = "(unset)"  # the value of a setting a config does not have


def _run_id() -> str:
    """A folder name that sorts by start time and never collides (random suffix)."""
    return time.strftime("%Y-%m-%d_%H-%M-%S") + "_" + secrets.token_hex(3)


def register(root: Path | str) -> None:
    """Register the resolvers the configs use; default SIGNLLM_ROOT (paths.root_dir) to `root`."""
    os.environ.setdefault("SIGNLLM_ROOT", str(root))
    if not OmegaConf.has_resolver("run_id"):
        OmegaConf.register_new_resolver("run_id", _run_id, use_cache=True)
        OmegaConf.register_new_resolver("run_name", lambda name: name if name else _run_id(), use_cache=True)
        OmegaConf.register_new_resolver("help_text", lambda config_name: help_text(Path(root) / "conf", config_name))


def help_text(conf: Path, config_name: str) -> str:
    """`--help` of an entry point: its usage (the docstring of the script being run) and the config groups
    of its primary config with their options (a Hydra help template: ``$`` is escaped)."""
    usage = (sys.modules["__main__"].__doc__ or "").strip()
    groups = []
    for entry in OmegaConf.load(conf / f"{config_name}.yaml").get("defaults", []):
        if not isinstance(entry, Mapping):
            continue
        group = str(next(iter(entry))).split()[-1]
        if group in ("hydra", "local") or not (conf / group).is_dir():
            continue
        options = sorted(str(p.relative_to(conf / group).with_suffix("")) for p in (conf / group).rglob("*.yaml"))
        groups.append(f"  {group:<15} {' '.join(options)}")
    text = usage + "\n\nConfig groups (choose an option with group=option):\n" + "\n".join(groups)
    text += "\n\nAny setting: key=value. --cfg job prints the composed config; --hydra-help, Hydra's own flags.\n"
    return text.replace("$", "$$")


class NotFrom(logging.Filter):
    """Drops the records of one logger tree (for a console handler: `lightning` prints its own lines)."""

    def __init__(self, name: str):
        super().__init__()
        self.tree = name

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == self.tree or record.name.startswith(self.tree + "."))


class QuietOptuna(Callback):
    """A Hydra callback: an Optuna sweep logs no "A new study created" line of Optuna's own (the sweeper's
    "Study name" says it). Optuna sets its logger's level when first imported: this sets it to warnings first."""

    def on_multirun_start(self, config: DictConfig, **kwargs) -> None:
        if "optuna" in str(OmegaConf.select(config, "hydra.sweeper._target_", default="")):
            import optuna

            optuna.logging.set_verbosity(optuna.logging.WARNING)


def flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted key -> value of every leaf of a (plain or OmegaConf) config, unresolved; lists are leaves."""
    if isinstance(node, DictConfig):
        node = OmegaConf.to_container(node, resolve=False)
    if not isinstance(node, Mapping) or not node:
        return {prefix: node} if prefix else {}
    flat = {}
    for key, value in node.items():
        flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def command_line_changes(cfg: DictConfig) -> dict[str, Any]:
    """The settings this command's overrides changed from its primary config's defaults: dotted key -> value
    (``ABSENT`` for a removed one). Needs a running Hydra app."""
    from hydra import compose
    from hydra.core.hydra_config import HydraConfig

    defaults = flatten(compose(HydraConfig.get().job.config_name, overrides=[]))
    current = flatten(cfg)
    changes = {key: value for key, value in current.items() if defaults.get(key, ABSENT) != value}
    return changes | {key: ABSENT for key in defaults.keys() - current.keys()}


def under(key: str, prefix: str) -> bool:
    """Whether dotted ``key`` is ``prefix`` or inside it."""
    return key == prefix or key.startswith(prefix + ".")


def check_changes(changes: Mapping[str, Any], source: Mapping[str, Any], why: str) -> None:
    """Refuse, in one line naming the key, a command-line change whose value differs from ``source``
    (flattened); ``why`` says where the source's settings come from."""
    from signllm.cli import ConfigError

    for key, value in changes.items():
        if source.get(key, ABSENT) != value:
            raise ConfigError(f"{key}={value}: {why} with {key}={source.get(key, ABSENT)}; leave {key} out")


def replace(cfg: DictConfig, key: str, value: Any) -> None:
    """Set (or, with ``ABSENT``, remove) the subtree ``key`` of ``cfg``, whatever its struct flag."""
    with open_dict(cfg):
        if value is not ABSENT:
            OmegaConf.update(cfg, key, value, merge=False, force_add=True)
            return
        parent, _, leaf = key.rpartition(".")
        node = OmegaConf.select(cfg, parent) if parent else cfg
        if isinstance(node, DictConfig):
            node.pop(leaf, None)
