"""signllm.load(checkpoint).generate(...): poses, files, determinism and one-line user errors."""

import imageio_ffmpeg
import numpy as np
import pytest
import torch
from PIL import Image

import signllm
from signllm.api import GenerationError, Generator, read_reference, read_texts
from signllm.data.skels import read_split
from signllm.render.pose_file import read_pose

from .conftest import MAX_FRAMES, PROMPTS
from ..layouts import OPENPOSE50


def test_load_returns_a_generator(generator):
    assert isinstance(generator, Generator) and generator.languages == ["asl", "gsl"]
    assert not generator.module.training


def test_one_text_gives_frames_and_a_list_gives_a_list(generator):
    frames = generator.generate("the cat sleeps", language="asl")
    assert isinstance(frames, np.ndarray) and frames.dtype == np.float32
    assert frames.ndim == 2 and frames.shape[1] == OPENPOSE50.frame_size and 1 <= len(frames) <= MAX_FRAMES
    poses = generator.generate(["the cat sleeps", "we go home"], language="asl")
    assert isinstance(poses, list) and len(poses) == 2
    np.testing.assert_allclose(poses[0], frames, atol=1e-5)


def test_deterministic_and_batch_size_independent(generator):
    texts = ["the cat sleeps", "we go home now", "a much longer sentence than the others here"]
    first = generator.generate(texts, language="gsl", seed=3, batch_size=2)
    torch.rand(5)  # whatever happened in between
    again = generator.generate(texts, language="gsl", seed=3, batch_size=2)
    one_by_one = generator.generate(texts, language="gsl", seed=3, batch_size=1)
    for a, b, c in zip(first, again, one_by_one):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, atol=1e-4)


def test_prompts_are_accepted(generator):
    frames = generator.generate('How do you sign "the cat sleeps" in American Sign Language?', "asl", prompt=True)
    assert frames.shape[1] == OPENPOSE50.frame_size and len(frames) >= 1


def test_languages_give_different_poses(generator):
    asl, gsl = (generator.generate("morgen regnet es", language=code) for code in ("asl", "gsl"))
    assert asl.shape != gsl.shape or not np.allclose(asl, gsl)


def test_writes_every_format(generator, tmp_path):
    texts = ["the cat sleeps", "der wind weht"]
    poses = generator.generate(texts, language="gsl", output_dir=tmp_path, formats=["skels", "pose", "mp4", "gif"],
                               render_size=64)
    clips = read_split(tmp_path, "generated", OPENPOSE50)
    assert [clip.text for clip in clips] == texts and [clip.id for clip in clips] == ["0000", "0001"]
    for clip, frames in zip(clips, poses):
        np.testing.assert_allclose(clip.frames, frames, atol=5e-5 + 1e-7)  # .skels keeps 5 / 4 (counter) decimals
        back, _, fps = read_pose(tmp_path / f"{clip.id}.pose", OPENPOSE50, scale=3)
        assert fps == 25 and len(back) == len(frames)
        np.testing.assert_allclose(back[:, :OPENPOSE50.num_coords], frames[:, :OPENPOSE50.num_coords], rtol=1e-5, atol=1e-6)
        reader = imageio_ffmpeg.read_frames(str(tmp_path / f"{clip.id}.mp4"))
        meta = next(reader)
        assert meta["size"] == (64, 64) and meta["fps"] == 25 and sum(1 for _ in reader) == len(frames)
        with Image.open(tmp_path / f"{clip.id}.gif") as gif:
            assert gif.n_frames == len(frames) and gif.size == (64, 64)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["generated.skels", "generated.text", "generated.files"]
        + [f"{i}.{suffix}" for i in ("0000", "0001") for suffix in ("pose", "mp4", "gif")]
    )


def test_side_by_side_with_a_reference(generator, reference_split, tmp_path):
    reference = read_reference(reference_split, "dev", "dev/clip-1", OPENPOSE50)
    frames = generator.generate(reference.text, language="asl", output_dir=tmp_path, formats=["gif"],
                                reference=reference, render_size=64)
    with Image.open(tmp_path / "0000.gif") as gif:
        assert gif.n_frames == max(len(frames), len(reference.frames)) and gif.size[0] > 2 * 64


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"text": "hello", "language": "ksl"}, "unknown language 'ksl' for this checkpoint; it produces asl, gsl"),
        ({"text": "hello"}, "choose a language: this checkpoint produces asl, gsl"),
        ({"text": "in German Sign Language?", "prompt": True}, "choose a language: this checkpoint produces asl, gsl"),
        ({"text": ["fine", "  "], "language": "asl"}, "input 2: empty text"),
        ({"text": "?! ... :-)", "language": "asl"}, "input 1: '?! ... :-)' has no letter or digit to sign"),
        ({"text": [], "language": "asl"}, "no input text given"),
        ({"text": "hello", "language": "asl", "formats": ["avi"]}, "unknown output format 'avi'"),
        ({"text": "hello", "language": "asl", "max_frames": 0}, "max_frames must be at least 1"),
        ({"text": "hello", "language": "asl", "render_size": 65}, "render_size must be an even number"),
    ],
)
def test_user_mistakes_are_one_line_errors_and_write_nothing(generator, tmp_path, kwargs, message):
    output_dir = tmp_path / "out"
    with pytest.raises(GenerationError) as error:
        generator.generate(**kwargs, output_dir=output_dir)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)
    assert not output_dir.exists() or not any(output_dir.iterdir())


def test_unwritable_output_folder(generator, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(GenerationError, match="cannot write to output folder"):
        generator.generate("hello", language="asl", output_dir=blocker / "out")
    assert [path.name for path in tmp_path.iterdir()] == ["a file"]


def test_letters_of_any_script_count(generator):
    assert len(generator.generate("안녕하세요", language="asl")) >= 1


def test_bad_checkpoints_are_one_line_errors(tmp_path):
    with pytest.raises(GenerationError, match="checkpoint not found"):
        signllm.load(tmp_path / "missing.ckpt")
    (tmp_path / "notes.ckpt").write_text("not a checkpoint")
    with pytest.raises(GenerationError, match="cannot load checkpoint") as error:
        signllm.load(tmp_path / "notes.ckpt")
    assert "\n" not in str(error.value)


def test_reading_inputs(tmp_path):
    assert read_texts("one") == ["one"] and read_texts(["a", "b"]) == ["a", "b"]
    (tmp_path / "inputs.txt").write_text("first\nsecond\n", encoding="utf-8")
    assert read_texts(input_file=tmp_path / "inputs.txt") == ["first", "second"]
    with pytest.raises(GenerationError, match="cannot read input file"):
        read_texts(input_file=tmp_path / "missing.txt")
    with pytest.raises(GenerationError, match="not both"):
        read_texts("one", tmp_path / "inputs.txt")
    with pytest.raises(GenerationError, match="give a text, or an input file"):
        read_texts()


def test_reading_a_reference(reference_split):
    assert read_reference(reference_split, "dev", "dev/clip-1", OPENPOSE50).text == "we go home now"
    with pytest.raises(GenerationError, match="no clip 'nope'"):
        read_reference(reference_split, "dev", "nope", OPENPOSE50)
    with pytest.raises(GenerationError, match="cannot read reference split"):
        read_reference(reference_split, "test", "dev/clip-1", OPENPOSE50)


def test_prompt_mode_lets_a_prompt2langgloss_model_choose_the_language(p2lg_checkpoint):
    generator = signllm.load(p2lg_checkpoint)
    assert generator.chooses_language and generator.resolve_language(None, prompt=True) is None
    sentence = "we go home now"
    prompts = [PROMPTS[code].replace("{text}", sentence) for code in ("asl", "gsl")]
    american, german = generator.generate_clips(prompts, prompt=True)  # no language given
    assert (american.language, german.language) == ("asl", "gsl")
    assert american.gloss == german.gloss == sentence.split()  # the same words, tagged <asl> / <gsl>
    assert american.frames.shape != german.frames.shape or not np.allclose(american.frames, german.frames, atol=0.05)
    frames = generator.generate(prompts[1], prompt=True)  # generate() keeps returning frames
    np.testing.assert_allclose(frames, german.frames, atol=1e-4)
