"""What the face is worth on the synthetic corpus: production with and without it, and back-translation ceilings.

The synthetic corpus carries questions and negation only in the face and head (raised brows; a head shake),
and each sign has a mouth shape; the hands of a sentence's statement, question and negated forms are identical.
Its sentences, signers and motion do not depend on the layout, so the `holistic178` and `openpose50` corpora hold
the same clips (checked here through the shoulders). Two experiments on the asl corpus, every number measured:

a. Production. The same tiny MLSF (`experiment=quickstart`: size tiny, Just Counter, CPU trainer) is trained for
   the same epochs (and time cap) in `holistic178` (sees the face) and in `openpose50` (no face; its nose still
   follows the head). Both generate the `holistic178` test texts from text alone (`signllm.load`), and are scored
   on the `holistic178` test references in world units (stored x storage scale). The `openpose50` output is
   converted by point name (`signllm.data.convert`): it has no face, so it gets the training mean face following
   its generated nose (face point = nose + that point's mean offset from the nose in the paired training clips,
   no rotation). Face metrics:
   - nDTW face: the evaluation team's recommended definition (`signllm.metrics.normalised`, as `ndtw_hands`:
     shoulder-normalised per clip, each point's clip mean removed, masked DTW-MJE, shoulder widths) over the 128
     face points: how the face moves (expression and head motion);
   - nDTW face, position: the same without removing the clip means (also where the face sits);
   - expression: DTW-MJE of face shapes (face points minus their centroid, over their RMS radius: head position
     and size drop out, head turns stay); the face-less model's shape is the training mean shape.
   Beside them nDTW hands and nDTW body (same definition) of both models, and the row "face-less ceiling":
   the ground-truth body and nose with the mean face, the best a model without a face can do on these metrics.
   Non-manual markers of each system's faces: brow height (eye centroids' y minus brow points' y, in
   inter-ocular distances, mean over the clip) of questions vs statements, and head shake (standard deviation of
   the face centroid's x about the shoulders' midpoint, in shoulder widths) of negated vs affirmative clips;
   AUC = P(a question's (negated clip's) value > a statement's (affirmative clip's)), ties 1/2.
   Both models are also put through `evaluate.py` with the back-translator of their own layout (b).
b. Back-translation. `experiment=backtranslator` is trained for the same epochs on `holistic178` (sees the face),
   on `holistic178` with the face hidden (its coordinates and scores set to 0 in a copy of the corpus: the same
   layout, inputs, model and scale, only the face's information removed — the clean ablation), and on
   `openpose50` (the field's face-less layout: no face, but its nose shows the head shake). Ceilings (ground
   truth through each evaluator, `evaluate.py baselines=false`) on the test split: BLEU-4, and accuracy of the
   question form (hypothesis ends with "?" exactly when the reference does) and of negation ("not" in the
   hypothesis exactly when in the reference), with balanced accuracy (mean of the two recalls: a quarter of the
   sentences are questions, a quarter negated).

Runs are `train.py` / `evaluate.py` subprocesses (their command lines are printed), `--jobs` at a time, each with
`--threads` intra-op threads. Everything goes under `--workdir`. English markers: asl only.

    python benchmarks/face_value.py                  # about 30 min on the shared (busy) 2-core machine
    python benchmarks/face_value.py --epochs 60      # 22 min measured; the face-aware model raises no brows yet
    python benchmarks/face_value.py --quick          # smoke run: tiny corpus, 1 epoch
    python benchmarks/face_value.py --workdir <dir>  # again: the runs finished there are reused
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

import signllm
from signllm.config import register
from signllm.data.convert import convert
from signllm.data.skels import read_split, write_split
from signllm.evaluation.pipeline import CEILING
from signllm.evaluation.systems import clips as dataset_clips
from signllm.metrics.normalised import masked_dtw_mje, normalised_dtw_mje
from signllm.skeleton import load_skeleton

REPO = Path(__file__).resolve().parents[1]
LANGUAGE = "asl"
FACE, FACELESS = "holistic178", "openpose50"
HIDDEN = "face_hidden"
AWARE, LESS = "face-aware (holistic178)", "face-less (openpose50 + mean face)"
LESS_CEILING = "face-less ceiling (ground truth + mean face)"
VOCAB = 2000  # the synthetic data config's: every evaluator gets the same tokenizer


@dataclass(frozen=True)
class Run:
    name: str
    script: str
    overrides: tuple[str, ...]

    @property
    def output(self) -> str:
        return "summary.json" if self.script == "train.py" else "results.json"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=REPO / "outputs" / "face_value" / time.strftime("%Y-%m-%d_%H-%M-%S"))
    parser.add_argument("--data-dir", type=Path, default=REPO / "outputs" / "face_value" / "data", help="corpora and caches")
    parser.add_argument("--train", type=int, default=1000, help="training clips")
    parser.add_argument("--dev", type=int, default=100)
    parser.add_argument("--test", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=200, help="production models")
    parser.add_argument("--bt-epochs", type=int, default=50, help="back-translators")
    parser.add_argument("--max-minutes", type=int, default=30, help="time cap of every training run")
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads per process")
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time")
    parser.add_argument("--quick", action="store_true", help="smoke run: 40/8/8 clips, 1 epoch")
    args = parser.parse_args()
    if args.quick:
        args.train, args.dev, args.test, args.epochs, args.bt_epochs = 40, 8, 8, 1, 1
    return args


def data_overrides(args, layout: str) -> list[str]:
    sizes = [f"data.synthetic.{split}={getattr(args, split)}" for split in ("train", "dev", "test")]
    return [f"skeleton={layout}", f"paths.data_dir={args.data_dir}", f"data.vocab_size={VOCAB}", *sizes]


def hidden_overrides(args) -> list[str]:
    return [f"skeleton={FACE}", f"paths.data_dir={args.data_dir}", "data=prompt2sign",
            f"language.{LANGUAGE}.root={hidden_folder(args)}", f"data.vocab_size={VOCAB}"]


def hidden_folder(args) -> Path:
    return args.workdir / HIDDEN / LANGUAGE


def compose_data(overrides: list[str]):
    """The data module a run with these overrides trains on, prepared (corpus, caches, tokenizers) and set up."""
    with initialize_config_dir(version_base="1.3", config_dir=str(REPO / "conf")):
        cfg = compose("train", overrides=[*overrides, "paths.output_dir=unused"])
    datamodule = instantiate(cfg.data)
    datamodule.prepare_data()
    datamodule.setup()
    return datamodule


def write_hidden_corpus(source: Path, target: Path) -> None:
    """A copy of a holistic178 corpus whose face coordinates and scores are 0 (no information)."""
    skeleton = load_skeleton(FACE)
    face = skeleton.component("face")
    columns = np.arange(skeleton.num_coords).reshape(skeleton.num_points, skeleton.dims)[face].ravel()
    for split in ("train", "dev", "test"):
        clips = read_split(source, split, skeleton)
        for clip in clips:
            clip.frames[:, columns] = 0
            clip.confidence[:, face] = 0
        write_split(target, split, clips, skeleton)


def run_all(runs: list[Run], args) -> dict[str, float]:
    """Run the commands, ``args.jobs`` at a time; seconds each took (NaN: reused). Exits with the log's tail on a
    failure. A run whose folder in the workdir already holds its output is reused (an interrupted benchmark goes on)."""
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "MKL_NUM_THREADS": str(args.threads)}

    def one(run: Run) -> float:
        command = [sys.executable, run.script, *run.overrides, f"hydra.run.dir={args.workdir / run.name}"]
        if (args.workdir / run.name / run.output).is_file():
            print(f"reusing {args.workdir / run.name} (delete it to run again)", flush=True)
            return float("nan")
        print(f"$ {' '.join(command[1:])}", flush=True)
        started, log_path = time.perf_counter(), args.workdir / "logs" / f"{run.name}.log"  # a failed run's folder is removed
        log_path.parent.mkdir(exist_ok=True)
        with open(log_path, "w") as log:
            code = subprocess.run(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
        if code:
            tail = log_path.read_text().splitlines()[-20:]
            sys.exit(f"{run.name} failed (exit {code}); {log_path} ends:\n" + "\n".join(tail))
        return time.perf_counter() - started

    with ThreadPoolExecutor(args.jobs) as pool:
        return dict(zip([run.name for run in runs], pool.map(one, runs)))


def summary(args, name: str) -> dict:
    return json.loads((args.workdir / name / "summary.json").read_text())


def results(args, name: str) -> dict:
    return json.loads((args.workdir / name / "results.json").read_text())


# ---- the face's geometry -------------------------------------------------------------------------------------------


def world(frames: np.ndarray, skeleton, scale: float) -> np.ndarray:
    """(T, points, dims) float64 world coordinates of stored frames."""
    return skeleton.to_joints(np.asarray(frames, np.float64)[:, :-1]) * scale


def shape(face: np.ndarray) -> np.ndarray:
    """(T, F, 3) face points -> their shape: minus the centroid, over the RMS radius."""
    centred = face - face.mean(1, keepdims=True)
    return centred / np.sqrt((centred**2).sum(-1).mean(1))[:, None, None]


@dataclass
class Geometry:
    """Point indices of holistic178 and of the openpose50 nose, and the training mean face."""

    face: slice
    hands: np.ndarray
    body: slice
    shoulders: tuple[int, int]
    brows: np.ndarray
    eyes: tuple[np.ndarray, np.ndarray]
    offset: np.ndarray  # (F, 3) mean face point minus nose
    mean_shape: np.ndarray  # (F, 3)


def geometry(pairs: list[tuple[np.ndarray, np.ndarray]]) -> Geometry:
    """From (holistic178, openpose50) world joints of the same training clips."""
    layout, faceless = load_skeleton(FACE), load_skeleton(FACELESS)
    face, nose = layout.component("face"), faceless.index("body.nose")
    offset, mean_shape, frames = 0.0, 0.0, 0
    for joints, other in pairs:
        offset = offset + (joints[:, face] - other[:, nose, None]).sum(0)
        mean_shape = mean_shape + shape(joints[:, face]).sum(0)
        frames += len(joints)
    contours = {name: np.array(chain) for component, name, chain in layout.contours if component == "face"}
    return Geometry(
        face=face,
        hands=np.r_[layout.component("left_hand"), layout.component("right_hand")],
        body=layout.component("body"),
        shoulders=(layout.index("body.l_shoulder"), layout.index("body.r_shoulder")),
        brows=np.concatenate([chain for name, chain in contours.items() if "brow" in name]),
        eyes=(contours["left_eye"], contours["right_eye"]),
        offset=offset / frames,
        mean_shape=mean_shape / frames,
    )


def paired_joints(with_face: list, without: list):
    """(holistic178, openpose50) world joints of each clip, checking that both corpora hold the same clips
    (id, text, length, shoulders)."""
    layout, faceless = load_skeleton(FACE), load_skeleton(FACELESS)
    shoulder = layout.index("body.l_shoulder"), faceless.index("body.l_shoulder")
    for a, b in zip(with_face, without, strict=True):
        joints, other = world(a.frames, layout, layout.storage.scale), world(b.frames, faceless, faceless.storage.scale)
        moved = np.abs(joints[:, shoulder[0]] - other[:, shoulder[1]]).max() if len(joints) == len(other) else np.inf
        if (a.id, a.text) != (b.id, b.text) or moved > 1e-3:
            raise ValueError(f"{a.id}: the {FACE} and {FACELESS} corpora do not hold the same clips")
        yield joints, other


def faceless_in_layout(frames: np.ndarray, geo: Geometry) -> tuple[np.ndarray, np.ndarray]:
    """openpose50 stored frames -> holistic178 world joints with the mean face on the nose, and the seen mask."""
    layout, faceless = load_skeleton(FACE), load_skeleton(FACELESS)
    converted, confidence, _ = convert(frames, None, faceless, layout)
    joints = world(converted, layout, faceless.storage.scale)  # still in openpose50's stored units
    nose = world(frames, faceless, faceless.storage.scale)[:, faceless.index("body.nose")]
    joints[:, geo.face] = nose[:, None] + geo.offset
    seen = confidence > 0
    seen[:, geo.face] = True
    return joints, seen


def pose_scores(hyp, hyp_seen, ref, ref_seen, geo: Geometry, mean_face: bool) -> dict[str, float]:
    """The production metrics of one clip pair (world joints)."""

    def ndtw(points, motion_only=True):
        return normalised_dtw_mje(hyp, ref, geo.shoulders, hyp_seen, ref_seen, points=points, motion_only=motion_only)

    hyp_shape = np.broadcast_to(geo.mean_shape, ref[:, geo.face].shape[1:])[None] if mean_face else shape(hyp[:, geo.face])
    return {
        "face": ndtw(geo.face),
        "face_position": ndtw(geo.face, motion_only=False),
        "expression": masked_dtw_mje(hyp_shape, shape(ref[:, geo.face])),
        "hands": ndtw(geo.hands),
        "body": ndtw(geo.body),
    }


def markers(joints: np.ndarray, geo: Geometry) -> dict[str, float]:
    """Brow height (inter-ocular distances) and head shake (shoulder widths) of one clip."""
    left_eye, right_eye = joints[:, geo.eyes[0]].mean(1), joints[:, geo.eyes[1]].mean(1)
    interocular = np.linalg.norm(left_eye - right_eye, axis=-1)
    brow = ((left_eye[:, 1] + right_eye[:, 1]) / 2 - joints[:, geo.brows, 1].mean(1)) / interocular
    left, right = joints[:, geo.shoulders[0]], joints[:, geo.shoulders[1]]
    width = np.linalg.norm(left - right, axis=-1).mean()
    sideways = joints[:, geo.face, 0].mean(1) - (left[:, 0] + right[:, 0]) / 2
    return {"brow": float(brow.mean()), "shake": float(sideways.std() / width)}


def auc(positive: list[float], negative: list[float]) -> float:
    """P(a positive's value > a negative's), ties (equal to 6 decimals: a rigid mean face's float noise) counted 1/2."""
    pos, neg = np.round(positive, 6)[:, None], np.round(negative, 6)[None]
    return float(((pos > neg) + 0.5 * (pos == neg)).mean())


def is_question(text: str) -> bool:
    return text.rstrip().endswith("?")


def is_negated(text: str) -> bool:
    return "not" in re.findall(r"\w+", text.lower())


# ---- experiments ---------------------------------------------------------------------------------------------------


def production(args, geo: Geometry, references: list, faceless_references: list) -> dict[str, dict]:
    """Per system: mean metrics over the test clips, per-clip face scores, and the marker statistics."""
    layout = load_skeleton(FACE)
    texts = [clip.text for clip in references]

    def generated(run: str) -> list:
        return signllm.load(summary(args, run)["best_checkpoint"]).generate_clips(texts, LANGUAGE, batch_size=50)

    def seen_whole(frames) -> tuple[np.ndarray, np.ndarray]:
        joints = world(frames, layout, layout.storage.scale)
        return joints, np.ones(joints.shape[:2], bool)

    outputs = {
        AWARE: [seen_whole(clip.frames) for clip in generated(f"mlsf_{FACE}")],
        LESS: [faceless_in_layout(clip.frames, geo) for clip in generated(f"mlsf_{FACELESS}")],
        LESS_CEILING: [faceless_in_layout(clip.frames, geo) for clip in faceless_references],
    }
    ref = [seen_whole(clip.frames)[0] for clip in references]
    ref_seen = [clip.confidence > 0 for clip in references]
    systems = {"reference": {"markers": marker_table([markers(joints, geo) for joints in ref], texts)}}
    for name, clips in outputs.items():
        pairs = zip(clips, ref, ref_seen, strict=True)
        per_clip = [pose_scores(*clip, joints, seen, geo, mean_face="mean face" in name) for clip, joints, seen in pairs]
        systems[name] = {
            "scores": {key: float(np.mean([scores[key] for scores in per_clip])) for key in per_clip[0]},
            "face_per_clip": [scores["face"] for scores in per_clip],
            "markers": marker_table([markers(joints, geo) for joints, _ in clips], texts),
        }
    return systems


def marker_table(marks: list[dict], texts: list[str]) -> dict[str, float]:
    question = [is_question(text) for text in texts]
    negated = [is_negated(text) for text in texts]
    brows = [m["brow"] for m in marks]
    shakes = [m["shake"] for m in marks]

    def split(values, flags):
        return [v for v, f in zip(values, flags) if f], [v for v, f in zip(values, flags) if not f]

    (bq, bs), (sn, sa) = split(brows, question), split(shakes, negated)
    return {
        "brow_question": float(np.mean(bq)), "brow_statement": float(np.mean(bs)), "brow_auc": auc(bq, bs),
        "shake_negated": float(np.mean(sn)), "shake_affirmative": float(np.mean(sa)), "shake_auc": auc(sn, sa),
    }


def grammar_accuracy(samples: list[dict]) -> dict[str, float]:
    """Accuracy and balanced accuracy of the question form and of negation in the translations."""
    scores = {}
    for name, marked in (("question", is_question), ("negation", is_negated)):
        pairs = [(marked(s["reference"]), marked(s["hypothesis"])) for s in samples]
        recalls = [np.mean([h == r for r, h in pairs if r == flag]) for flag in (True, False) if any(r == flag for r, _ in pairs)]
        scores[f"{name}_accuracy"] = float(np.mean([h == r for r, h in pairs]))
        scores[f"{name}_balanced"] = float(np.mean(recalls))
    return scores


# ---- the run -------------------------------------------------------------------------------------------------------


def main() -> None:
    args = arguments()
    torch.set_num_threads(args.threads)
    register(REPO)
    args.workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(f"workdir {args.workdir}; corpus asl {args.train}/{args.dev}/{args.test}; production {args.epochs} epochs, "
          f"back-translators {args.bt_epochs} epochs, cap {args.max_minutes} min per run; {args.threads} thread(s) x {args.jobs} jobs")

    modules = {layout: compose_data(data_overrides(args, layout)) for layout in (FACE, FACELESS)}
    write_hidden_corpus(modules[FACE].folders()[LANGUAGE], hidden_folder(args))
    compose_data(hidden_overrides(args))  # packs the hidden corpus once, before runs read it in parallel
    print(f"data ready in {time.perf_counter() - started:.0f} s")

    cap = f"+trainer.max_time=00:00:{args.max_minutes:02d}:00"
    quiet = ["~callbacks.progress_bar", cap]
    bt = ["experiment=backtranslator", f"trainer.max_epochs={args.bt_epochs}", *quiet]
    mlsf = ["experiment=quickstart", f"trainer.max_epochs={args.epochs}", *quiet]
    runs = [
        Run(f"bt_{FACE}", "train.py", (*data_overrides(args, FACE), *bt)),
        Run(f"bt_{HIDDEN}", "train.py", (*hidden_overrides(args), *bt)),
        Run(f"bt_{FACELESS}", "train.py", (*data_overrides(args, FACELESS), *bt)),
        Run(f"mlsf_{FACE}", "train.py", (*data_overrides(args, FACE), *mlsf)),
        Run(f"mlsf_{FACELESS}", "train.py", (*data_overrides(args, FACELESS), *mlsf)),
    ]
    seconds = run_all(runs, args)

    def evaluation(name: str, data: list[str], checkpoint: str | None) -> Run:
        model = [f"checkpoints={{{checkpoint}: {summary(args, checkpoint)['best_checkpoint']}}}"] if checkpoint else []
        return Run(f"eval_{name}", "evaluate.py", (*data, f"evaluator={summary(args, 'bt_' + name)['best_checkpoint']}", *model,
                                                   "splits=[test]", "baselines=false", "batch_size=50", "device=cpu"))

    seconds |= run_all([
        evaluation(FACE, data_overrides(args, FACE), f"mlsf_{FACE}"),
        evaluation(HIDDEN, hidden_overrides(args), None),
        evaluation(FACELESS, data_overrides(args, FACELESS), f"mlsf_{FACELESS}"),
    ], args)

    clips = {(layout, split): dataset_clips(modules[layout].dataset(split)) for layout in modules for split in ("train", "test")}
    geo = geometry(paired_joints(clips[FACE, "train"], clips[FACELESS, "train"]))
    references, faceless_references = clips[FACE, "test"], clips[FACELESS, "test"]
    list(paired_joints(references, faceless_references))  # the test splits hold the same clips too
    systems = production(args, geo, references, faceless_references)
    report(args, systems, seconds, len(references), time.perf_counter() - started)


def report(args, systems: dict, seconds: dict, clips: int, total: float) -> None:
    print("\n## Training runs\n\n| run | epochs | steps | seconds | best checkpoint |\n| --- | ---: | ---: | ---: | --- |")
    for name in (name for name in seconds if not name.startswith("eval_")):
        info, took = summary(args, name), "reused" if np.isnan(seconds[name]) else f"{seconds[name]:.0f}"
        print(f"| {name} | {info['epochs']} | {info['global_step']} | {took} | {Path(info['best_checkpoint']).name} |")
    aware, less, ceiling = systems[AWARE]["scores"], systems[LESS]["scores"], systems[LESS_CEILING]["scores"]
    production_tables(systems, clips)
    grammar = back_translation_table(args)
    print(f"\ntotal {total / 60:.1f} min\n")
    face, hidden = grammar[FACE, CEILING], grammar[HIDDEN, CEILING]
    for name, value, goal in (
        ("face_ndtw_face_aware_over_face_less", aware["face"] / less["face"], "<1"),
        ("face_ndtw_face_aware_over_face_less_ceiling", aware["face"] / ceiling["face"], "<1"),
        ("expression_face_aware_over_mean_face", aware["expression"] / less["expression"], "<1"),
        ("hands_ndtw_face_aware_over_face_less", aware["hands"] / less["hands"], "<=1.05"),
        ("question_brow_auc_face_aware", systems[AWARE]["markers"]["brow_auc"], ">=0.75"),
        ("bt_ceiling_bleu4_face_minus_hidden", face["bleu4"] - hidden["bleu4"], ">0"),
        ("bt_ceiling_question_balanced_accuracy_face_minus_hidden", face["question_balanced"] - hidden["question_balanced"],
         ">0"),
    ):
        print(f"RESULT {name} {value:.3f} {goal}")


def production_tables(systems: dict, clips: int) -> None:
    print(f"\n## a. Production, {FACE} test split ({clips} clips); lower is better\n")
    print("| system | nDTW face | nDTW face, position | expression | nDTW hands | nDTW body |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in (AWARE, LESS, LESS_CEILING):
        scores = systems[name]["scores"]
        print(f"| {name} | " + " | ".join(f"{scores[key]:.4f}" for key in ("face", "face_position", "expression", "hands", "body")) + " |")
    wins = int(np.sum(np.array(systems[AWARE]["face_per_clip"]) < np.array(systems[LESS]["face_per_clip"])))
    print(f"\nnDTW face: the face-aware model is nearer the reference than the face-less one on {wins} of {clips} clips.")

    print("\n## a. Non-manual markers in the faces (brow height: inter-ocular distances; head shake: shoulder widths)\n")
    print("| faces of | brows, questions | brows, statements | AUC question > statement | "
          "shake, negated | shake, affirmative | AUC negated > affirmative |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in ("reference", AWARE, LESS, LESS_CEILING):
        m = systems[name]["markers"]
        print(f"| {name} | {m['brow_question']:.3f} | {m['brow_statement']:.3f} | {m['brow_auc']:.2f} | "
              f"{m['shake_negated']:.4f} | {m['shake_affirmative']:.4f} | {m['shake_auc']:.2f} |")


def back_translation_table(args) -> dict[tuple[str, str], dict[str, float]]:
    """Print the table; (evaluator, system) -> BLEU-4 and the grammar accuracies."""
    rows = [
        (f"{FACE} (face)", FACE, CEILING),
        (f"{FACE}, face hidden", HIDDEN, CEILING),
        (f"{FACELESS} (no face; nose)", FACELESS, CEILING),
        (f"{FACE} (face)", FACE, f"mlsf_{FACE}"),
        (f"{FACELESS} (no face; nose)", FACELESS, f"mlsf_{FACELESS}"),
    ]
    print("\n## b. Back-translation, test split: ceilings (ground truth) and the production models\n")
    print("| evaluator trained on | poses | BLEU-4 | question acc. | question bal. acc. | negation acc. | negation bal. acc. |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    grammar = {}
    for label, evaluator, system in rows:
        result = results(args, f"eval_{evaluator}")
        scores = grammar_accuracy(result["samples"][system]["test"]) | {"bleu4": result["scores"][system]["test"]["bleu4"]}
        grammar[evaluator, system] = scores
        print(f"| {label} | {'ground truth' if system == CEILING else system} | {scores['bleu4']:.2f} | "
              f"{scores['question_accuracy']:.2f} | {scores['question_balanced']:.2f} | "
              f"{scores['negation_accuracy']:.2f} | {scores['negation_balanced']:.2f} |")
    return grammar


if __name__ == "__main__":
    main()
