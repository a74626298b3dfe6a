"""Every command of the README, run as written with tiny settings appended: `python tests/readme_walk.py`.

Commands are the lines of the README's ```bash blocks, its ```python blocks, and inline `python ...` / `make ...`
spans. Placeholders are filled with what earlier commands made (`<ckpt>` and `<model.ckpt>`: the quickstart's
checkpoint, `<backtranslator.ckpt>`, `<p2lg.ckpt>`, a sentences file, a Prompt2Sign folder, the real How2Sign
OpenPose sample of ../shared/realdata for preprocessing). What this machine cannot run -- a GPU, SLURM, docker,
an online W&B account -- is checked by composing its config instead (`--cfg job`; `--cfg hydra` for a launcher).
`make test` and `make bench` are checked with `make -n` (the suite runs this file's test, and benchmarks time
themselves). Ends with a table and ``RESULT readme_commands_ok <ok> <total>``; tests/test_readme.py checks the
extraction and that every command composes, fast.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata" / "how2sign-openpose-prompt2sign"
ENTRY_POINTS = ("train.py", "evaluate.py", "generate.py", "serve.py")
TINY_DATA = ["data.synthetic.train=16", "data.synthetic.dev=8", "data.synthetic.test=8"]
TINY_TRAIN = ["size=tiny", "trainer.max_epochs=1", "data.batch_size=8", *TINY_DATA, "~callbacks.progress_bar"]
NEEDS_WHAT_IS_NOT_HERE = {  # a setting (or its start) -> why such a command is only composed here
    "trainer=gpu": "needs a GPU", "trainer=ddp": "needs GPUs", "hydra/launcher=slurm": "needs SLURM",
    "logger=wandb": "needs a W&B account online",
    "text_encoder.path=": "needs a pretrained model folder, downloaded from the Hugging Face Hub (no network here)",
}
DOWNLOADS = ("pip ", "hf ", "snapshot_download", "text_encoder_path=")  # a command with one is not run here


@dataclass
class Command:
    text: str  # as in the README, continuation lines joined
    kind: str  # bash | python | inline
    line: int


def extract(readme: str) -> list[Command]:
    """The README's commands, in order (a shell ``for`` loop is one command)."""
    commands, block, start, pending = [], None, 0, ""
    for number, line in enumerate(readme.splitlines(), start=1):
        if line.startswith("```"):
            block, start = (line[3:].strip() or "text", number) if block is None else (None, 0)
            continue
        if block == "python":
            if commands and commands[-1].kind == "python" and commands[-1].line == start:
                commands[-1].text += line + "\n"
            else:
                commands.append(Command(line + "\n", "python", start))
        elif block == "bash":
            text = strip_comment(line).rstrip()
            if not text.strip():
                continue
            pending = f"{pending}\n{text}" if pending else text.strip()
            if pending.endswith("\\") or (pending.startswith("for ") and text.strip() != "done"):
                continue
            commands.append(Command(one_line(pending), "bash", number))
            pending = ""
        elif block is None:
            for span in re.findall(r"`((?:python|make) [^`]+)`", line):
                commands.append(Command(span, "inline", number))
    return commands


def one_line(text: str) -> str:
    """Continuation lines joined; the lines of a loop joined with ``;``."""
    text = re.sub(r"\\\n\s*", " ", text)
    return re.sub(r"\s*\n\s*", " ; ", text).replace("do ;", "do")


def strip_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (outside quotes)."""
    quote = None
    for index, character in enumerate(line):
        if character in "'\"" and quote in (None, character):
            quote = None if quote else character
        elif character == "#" and quote is None and (index == 0 or line[index - 1] == " "):
            return line[:index]
    return line


@dataclass
class Outcome:
    command: Command
    how: str  # ran | composed | dry run | not run
    ok: bool
    note: str = ""


class Walk:
    """Runs the commands in a scratch folder, filling placeholders with the checkpoints made so far."""

    def __init__(self, scratch: Path):
        self.scratch, self.runs = scratch, 0
        (scratch / "sentences.txt").write_text("the cat sleeps\nwe go home now\n", encoding="utf-8")
        self.paths = [f"paths.log_dir={scratch}/outputs", f"paths.data_dir={scratch}/data"]
        self.env = os.environ | {"WANDB_MODE": "offline", "HYDRA_FULL_ERROR": "1", "PYTHONUNBUFFERED": "1"}
        self.last_evaluate: list[str] = []
        self.printed = ""  # the last line the last command printed
        self.checkpoints: list[tuple[set[str], str, str]] = []  # (languages, model, path) of the runs so far

    # --- placeholders -------------------------------------------------------------------------------

    def checkpoint(self, text: str, model: str = "mlsf") -> str | None:
        """The first checkpoint made so far of ``model`` that has the command's language."""
        words = text.split()
        added = next((w.split("=", 1)[1].strip("[]").split(",") for w in words if "add_languages=" in w), [])
        wanted = languages(words) - set(added) if "language=" in text else set()
        return next((path for codes, kind, path in self.checkpoints if kind == model and wanted <= codes), None)

    def fill(self, text: str) -> str:
        for placeholder, model in (("<ckpt>", "mlsf"), ("<model.ckpt>", "mlsf"), ("<p2lg.ckpt>", "prompt2langgloss"),
                                   ("<backtranslator.ckpt>", "backtranslator")):
            if placeholder in text and (path := self.checkpoint(text, model)):
                text = text.replace(placeholder, path)
        synthetic = self.scratch / "data" / "synthetic" / "openpose50" / "seed0-train16-dev8-test8" / "asl"
        known = {
            "sentences.txt": str(self.scratch / "sentences.txt"),
            "/data/prompt2sign/asl": str(synthetic),  # a Prompt2Sign folder: the synthetic one made so far
            "data/prompt2sign/asl": str(self.scratch / "p2s" / "asl"),
            "<$split clip folders>": str(REALDATA / "json"),
            "<$split clips.tsv>": str(REALDATA / "clips.tsv"),
            "../shared/realdata": str(REALDATA.parent),
            "outputs/train/runs/<time>_<id>/checkpoints/last.ckpt": self.checkpoint("") or "<ckpt>",
        }
        for placeholder, value in sorted(known.items(), key=lambda item: -len(item[0])):
            text = text.replace(placeholder, value)
        return text

    # --- one command --------------------------------------------------------------------------------

    def run(self, command: Command) -> Outcome:
        if any(marker in command.text for marker in DOWNLOADS):
            return Outcome(command, "not run", True, "downloads from PyPI / the Hugging Face Hub, or needs what they "
                           "download: no network here, and the shared .venv stays as it is")
        if command.kind == "python":
            return self.python(command)
        text = self.fill(command.text)
        if text.startswith("make "):
            return self.make(command, text)
        if text.startswith("docker build"):
            return Outcome(command, "not run", True, "no docker here; the image runs the commands checked here")
        if text.startswith("docker run"):
            inner = text[text.index("train.py") :]
            return self.compose(command, "python " + inner, "docker with a GPU")
        if text.startswith("for "):
            return self.shell(command, text, extra=" lift.steps=20")
        words = shlex.split(text)
        if words[0] == "torchrun":
            text = text.replace("torchrun", f"{sys.executable} -m torch.distributed.run", 1)
            return self.shell(command, text.replace("...", " ".join(self.last_evaluate)))
        if words[:2] == ["python", "-m"] and words[2] == "signllm.data.synthetic":
            root = self.scratch / "data" / "synthetic"
            tiny = " --languages asl --train 16 --dev 8 --test 8"
            return self.shell(command, text.replace("data/synthetic", str(root)), extra=tiny)
        if words[0] == "python" and words[1].startswith("benchmarks/"):
            return Outcome(command, "not run", (REPO / "benchmarks").is_dir(), "a benchmark: `make bench` runs them")
        if words[0] == "python" and words[1] == "<entry":
            return self.each_help(command)
        if words[0] == "python" and words[1] in ENTRY_POINTS:
            return self.entry_point(command, words[1], text)
        if words[:2] == ["python", "-m"]:
            return self.shell(command, text)
        return Outcome(command, "not run", False, "no rule for this command")

    def entry_point(self, command: Command, script: str, text: str) -> Outcome:
        for setting, why in NEEDS_WHAT_IS_NOT_HERE.items():
            if any(word == setting or (setting.endswith("=") and word.startswith(setting)) for word in text.split()):
                return self.compose(command, text, why)
        if unfilled := re.findall(r"<[^>]+>", text):
            return self.compose(command, text, f"placeholder {unfilled[0]} has no artifact here")
        if script == "serve.py":
            return self.serve(command, text)
        if script == "evaluate.py":
            self.last_evaluate = text.split(None, 2)[2].split() + TINY_DATA + self.paths
            return self.shell(command, text, extra=" " + " ".join(TINY_DATA + self.paths))
        if script == "generate.py":
            outcome = self.shell(command, text, extra=f" output_dir={self.scratch}/generated/{command.line}")
            outcome.note += f": {self.printed}" if outcome.ok else ""
            return outcome
        return self.train(command, text)

    def train(self, command: Command, text: str) -> Outcome:
        words = text.split()
        name = next((w.split("=", 1)[1] for w in words if w.startswith("name=")), None)
        extra = [e for e in TINY_TRAIN if "data=prompt2sign" not in words or e not in TINY_DATA] + self.paths
        if not any(w.startswith("trainer=") for w in words):
            extra.append("trainer=cpu")
        if "experiment=backtranslator" not in words and "model=backtranslator" not in words:
            extra.append("callbacks.dtw_tracker.num_samples=4")
        if "model=prompt2langgloss" in words:  # long enough for its LangGloss to tag the language of a prompt
            extra = [e for e in extra if e != "trainer.max_epochs=1"]
            extra += ["trainer.max_epochs=40", "callbacks.dtw_tracker.every_n_epochs=40"]
        if "resume=true" in words:
            self.shell(Command(f"python train.py name={name}", "setup", command.line), f"python train.py name={name}",
                       extra=" " + " ".join(extra))
            extra = [e for e in extra if e != "trainer.max_epochs=1"] + ["trainer.max_epochs=2"]
        elif name is None and "-m" not in words and not any(w.startswith("hparams_search=") for w in words):
            self.runs += 1
            name = f"walk{self.runs}"
            extra.append(f"name={name}")
        outcome = self.shell(command, text, extra=" " + " ".join(extra))
        checkpoint = self.scratch / "outputs" / "train" / "runs" / str(name) / "checkpoints" / "last.ckpt"
        if outcome.ok and checkpoint.is_file():
            model = "backtranslator" if "experiment=backtranslator" in words else next(
                (w.split("=")[1] for w in words if w.startswith("model=")), "mlsf")
            self.checkpoints.append((languages(words), model, str(checkpoint)))
        return outcome

    def make(self, command: Command, text: str) -> Outcome:
        dry = subprocess.run(["make", "-n", *text.split()[1:]], cwd=REPO, capture_output=True, text=True, timeout=60)
        if dry.returncode or text.split()[1] != "quickstart":
            why = "the suite runs this walk's test" if "test" in text else "benchmarks time themselves"
            return Outcome(command, "dry run", dry.returncode == 0, f"make -n: {why}")
        train_line = [line for line in dry.stdout.splitlines() if "train.py" in line][-1]
        return self.train(command, "python " + train_line.split(None, 1)[1])

    def compose(self, command: Command, text: str, why: str) -> Outcome:
        words = [re.sub(r"<[^>]+>", "x", w) for w in shlex.split(text) if w != "-m"]
        words = [first_of_sweep(word) for word in words]
        flag = "--cfg=hydra" if any(w.startswith("hydra/launcher=") for w in words) else "--cfg=job"
        result = subprocess.run([sys.executable, str(REPO / words[1]), *words[2:], flag], cwd=self.scratch,
                                env=self.env, capture_output=True, text=True, timeout=300)
        return Outcome(command, "composed", result.returncode == 0, f"{flag}: {why}" + self._tail(result))

    def shell(self, command: Command, text: str, extra: str = "") -> Outcome:
        line = re.sub(r"(?<![\w/])python (?!-m)", f"{sys.executable} {REPO}/", text)
        line = re.sub(r"(?<![\w/])python -m", f"{sys.executable} -m", line)
        line = line.replace(" evaluate.py", f" {REPO}/evaluate.py")  # after torchrun
        if line.startswith("for "):
            line = line.replace(" ; done", extra + " ; done")
        else:
            line += extra
        started = time.perf_counter()
        result = subprocess.run(["bash", "-c", line], cwd=self.scratch, env=self.env | {"PYTHONPATH": str(REPO)},
                                capture_output=True, text=True, timeout=900)
        self.printed = (result.stdout.strip().splitlines() or [""])[-1]
        seconds = f"{time.perf_counter() - started:.0f} s"
        return Outcome(command, "ran", result.returncode == 0, seconds + self._tail(result))

    def serve(self, command: Command, text: str) -> Outcome:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        words = shlex.split(text)
        process = subprocess.Popen([sys.executable, str(REPO / words[1]), *words[2:], f"port={port}", self.paths[0]],
                                   cwd=self.scratch, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
        try:
            for _ in range(240):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                        healthy = json.load(answer)["status"] == "ok"
                        return Outcome(command, "ran", healthy, f"GET /health on port {port}")
                except OSError:
                    if process.poll() is not None:
                        return Outcome(command, "ran", False, (process.stdout.read() or "")[-400:])
                    time.sleep(0.5)
            return Outcome(command, "ran", False, "no answer on /health within 120 s")
        finally:
            process.terminate()
            process.wait(timeout=30)

    def each_help(self, command: Command) -> Outcome:
        results = [subprocess.run([sys.executable, str(REPO / script), "--help"], capture_output=True, text=True,
                                  timeout=120) for script in ENTRY_POINTS]
        return Outcome(command, "ran", all(r.returncode == 0 for r in results), "--help of " + ", ".join(ENTRY_POINTS))

    def python(self, command: Command) -> Outcome:
        source = command.text.replace('"model.ckpt"', repr(self.checkpoint("language=asl") or "model.ckpt"))
        result = subprocess.run([sys.executable, "-c", source], cwd=self.scratch, env=self.env, capture_output=True,
                                text=True, timeout=600)
        return Outcome(command, "ran", result.returncode == 0, self._tail(result))

    @staticmethod
    def _tail(result: subprocess.CompletedProcess) -> str:
        if result.returncode == 0:
            return ""
        lines = [line for line in (result.stderr or result.stdout).strip().splitlines() if line.strip()]
        return " | " + " / ".join(lines[-3:])[-600:]


def first_of_sweep(word: str) -> str:
    """``key=a,b,c`` -> ``key=a`` (one job's override); lists and quoted values stay."""
    key, equals, value = word.partition("=")
    return f"{key}={value.split(',')[0]}" if equals and "," in value and value[:1] not in "[\"'" else word


def unique(commands: list[Command]) -> list[Command]:
    """Each command once, and not the mere mention of a module in the text (`python -m signllm.preprocess`)."""
    seen, kept = set(), []
    for command in commands:
        words = command.text.split()
        if command.text in seen or (command.kind == "inline" and words[:2] == ["python", "-m"] and len(words) == 3):
            continue
        seen.add(command.text)
        kept.append(command)
    return kept


def languages(words: list[str]) -> set[str]:
    """The sign languages a command's ``language=`` names (asl when none)."""
    value = next((w.split("=", 1)[1] for w in words if w.startswith("language=")), "asl")
    if value == "all":
        return {path.stem for path in (REPO / "conf" / "language").glob("*.yaml")} - {"all", "swiss"}
    return set(value.strip("[]").split(","))


def main() -> int:
    commands = unique(extract((REPO / "README.md").read_text(encoding="utf-8")))
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="readme-walk-") as scratch:
        walk = Walk(Path(scratch))
        for command in commands:
            outcome = walk.run(command)
            outcomes.append(outcome)
            mark = "ok  " if outcome.ok else "FAIL"
            text = command.text.strip().replace("\n", " ")[:100]
            print(f"{mark} {outcome.how:<9} README:{command.line:<4} {text}  [{outcome.note}]", flush=True)
    ok = sum(outcome.ok for outcome in outcomes)
    print(f"RESULT readme_commands_ok {ok} {len(outcomes)}")
    return 0 if ok == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
