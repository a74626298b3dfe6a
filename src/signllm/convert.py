"""``python -m signllm.convert``: a Prompt2Sign split from one pose layout to another (conf/convert.yaml).

Streams the split (one clip in memory), writes every file atomically, and reports what the conversion
derived, dropped or left missing in ``{split}.convert.json``. A pair of layouts that cannot be converted
(2D -> 3D, or points missing in a layout without confidences) is refused with one line before anything is read.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from signllm.data.convert import Conversion, ConversionError
from signllm.data.skels import Clip, FormatError, iter_split, write_split
from signllm.skeleton import SkeletonError, load_skeleton
from signllm.utils import atomic_write_text

CONFIG_DIR = str(Path(__file__).resolve().parents[2] / "conf")


def _given(settings: DictConfig) -> dict:
    """The storage settings that are set (null: the layout's own)."""
    return {key: value for key, value in OmegaConf.to_container(settings).items() if value is not None}


def convert_split(cfg: DictConfig) -> dict:
    """Convert ``cfg.split`` of ``cfg.input_dir`` into ``cfg.output_dir``; returns the report written."""
    input_dir, output_dir = Path(cfg.input_dir), Path(cfg.output_dir)
    if input_dir.resolve() == output_dir.resolve():
        raise ValueError(f"output_dir={output_dir} is input_dir: the converted split would replace its source")
    source, target = load_skeleton(cfg.source), load_skeleton(cfg.target)
    conversion = Conversion(source, target)
    source_storage = source.storage_for(_given(cfg.source_storage))
    target_storage = target.storage_for(_given(cfg.target_storage))
    factor = source_storage.scale / target_storage.scale  # stored -> world -> the target's stored units
    counter = None if source_storage.counter == target_storage.counter else target_storage.counter
    totals = Counter(clips=0, frames=0, unseen=0)

    def converted():
        for clip in iter_split(input_dir, cfg.split, source, source_storage):
            frames, confidence, report = conversion(clip.frames, clip.confidence)
            frames[:, : target.num_coords] *= factor
            totals.update(clips=1, frames=len(frames), unseen=report.unseen)
            yield Clip(clip.id, clip.text, clip.gloss, frames, confidence)

    write_split(
        output_dir, cfg.split, converted(), target, target_storage, cfg.coord_decimals, cfg.counter_decimals, counter
    )
    report = {**asdict(conversion.report), **totals, "counter": f"rewritten as {counter}" if counter else "kept"}
    atomic_write_text(output_dir / f"{cfg.split}.convert.json", json.dumps(report, indent=1) + "\n")
    print(conversion.report.summary())
    print(
        f"  {totals['clips']} clips, {totals['frames']} frames; {totals['unseen']} unseen values unmarked; "
        f"counter {report['counter']}"
    )
    return report


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="convert")
def main(cfg: DictConfig) -> None:
    try:
        convert_split(cfg)
    except (ConversionError, FormatError, SkeletonError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
