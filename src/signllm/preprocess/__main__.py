"""Preprocess a corpus: OpenPose JSON, DWPose frames or .pose files -> HDF5 -> 3D lifting -> a Prompt2Sign split.

    python -m signllm.preprocess input_dir=<clips> output_dir=data/prompt2sign/asl split=train texts.path=<clips.tsv>
    python -m signllm.preprocess skeleton=dwpose input_dir=<DWPose result folders> output_dir=... split=dev
    python -m signllm.preprocess ... shard=3 num_shards=8 stages=[json2h5,lift]   # one shard of a SLURM array

Runs the configured stages (conf/preprocess.yaml) for one shard; re-running skips the clips already finished.
"""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from signllm.cli import ConfigError, entry_point
from signllm.config import register
from signllm.preprocess import pipeline
from signllm.preprocess.inputs import InputReader
from signllm.preprocess.manifest import build_manifest
from signllm.preprocess.tree import Tree
from signllm.skeleton import Skeleton
from signllm.threads import CLIP_FRAMES, configure_threads

ROOT = Path(__file__).resolve().parents[3]
CONFIG_DIR = str(ROOT / "conf")
register(ROOT)


def run(cfg: DictConfig):
    """Run ``cfg.stages`` in order; returns the report when ``write`` ran, else None."""
    unknown = set(cfg.stages) - set(pipeline.STAGES)
    if unknown:
        raise ConfigError(f"stages: unknown {sorted(unknown)}; expected some of {pipeline.STAGES}")
    skeleton = Skeleton(cfg.skeleton)
    if "lift" in cfg.stages and skeleton.dims == 3:
        Tree.of(skeleton)  # a layout that cannot be lifted fails now, not after the import
    configure_threads(cfg.threads, work=cfg.lift.batch_clips * CLIP_FRAMES * skeleton.num_points * 3)
    output_dir = Path(cfg.output_dir)
    sources = build_manifest(cfg.input_dir, OmegaConf.to_container(cfg.texts))
    pose2d, pose3d = pipeline.stores(output_dir, cfg.split)
    lift = OmegaConf.to_container(cfg.lift)
    read = InputReader(skeleton, OmegaConf.to_container(cfg.inputs))
    report = None
    for stage in pipeline.STAGES:
        if stage not in cfg.stages:
            continue
        if stage in ("json2h5", "import"):
            pipeline.ingest(sources, pose2d, read, cfg.shard, cfg.num_shards, cfg.chunk_clips, cfg.progress)
            pipeline.merge_if_complete(sources, pose2d, output_dir / f"{cfg.split}.h5")
        elif stage == "lift":
            pipeline.lift(pose2d, pose3d, skeleton, cfg.shard, cfg.num_shards, lift, cfg.progress)
        else:
            storage = skeleton.storage_for(OmegaConf.to_container(cfg.storage))
            report = pipeline.write(sources, pose2d, pose3d, output_dir, cfg.split, skeleton, storage, cfg)
            report.show()
    return report


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="preprocess")
@entry_point
def main(cfg: DictConfig) -> None:
    run(cfg)


if __name__ == "__main__":
    main()
