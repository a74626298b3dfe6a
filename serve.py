"""Serve a trained checkpoint: a local web page (type, pick a language, watch it sign) and a JSON API.

    python serve.py checkpoint=model.ckpt                  # http://127.0.0.1:8000
    python serve.py checkpoint=model.ckpt port=8080 limits.max_concurrent=2

The endpoints and limits are described in conf/serve.yaml and ``signllm.serve.app``. A mistake in the
settings (no checkpoint, a limit out of range, ...) prints one line and exits with status 2.
"""

from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from signllm.cli import entry_point
from signllm.config import register

register(Path(__file__).resolve().parent)


def build(cfg: DictConfig):
    """The app for ``cfg``: the limits are checked before the (slow) checkpoint loading."""
    from signllm.api import GenerationError, load
    from signllm.serve.app import Limits, create_app

    limits = Limits(**OmegaConf.to_container(cfg.limits))
    if cfg.checkpoint is None:
        raise GenerationError("give the checkpoint to serve: checkpoint=PATH")
    names = {code: spec.name for code, spec in (cfg.language or {}).items()}
    return create_app(load(cfg.checkpoint), limits, names)


@hydra.main(version_base="1.3", config_path="conf", config_name="serve")
@entry_point
def main(cfg: DictConfig) -> None:
    import uvicorn

    app = build(cfg)
    print(f"serving {cfg.checkpoint} on http://{cfg.host}:{cfg.port} (Ctrl-C stops)")
    uvicorn.run(app, host=cfg.host, port=cfg.port)


if __name__ == "__main__":
    main()
