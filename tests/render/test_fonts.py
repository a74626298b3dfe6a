"""Titles in every spoken language of the project draw real letters, never the font's missing-glyph box."""

import logging
from pathlib import Path

import numpy as np
import pytest
from omegaconf import OmegaConf
from PIL import Image, ImageDraw, ImageFont

from signllm.render import fonts
from signllm.render.draw import render_clip
from signllm.skeleton import CONF_DIR

SENTENCES = {  # spoken_code -> a title with the language's own letters
    "en": "Good evening, how are you? I'd like a coffee.",
    "de": "Grüße aus München – die Straße ist schön, Äpfel und Öl.",
    "fr": "Ça va très bien, où est l'hôpital ? Le garçon mange un œuf à Noël.",
    "it": "Perché è così difficile? La città è più bella di sera.",
    "es": "¿Qué tal? ¡El niño come piña y jamón en el año nuevo!",
    "ko": "안녕하세요, 만나서 반갑습니다. 오늘 날씨가 좋네요.",
    "tr": "Günaydın! İstanbul'da hava çok güzel; ğ ş ı Ç Ö Ü Ğ Ş.",
}
LANGUAGES = sorted(path for path in (CONF_DIR / "language").glob("*.yaml") if "spoken_code" in path.read_text())
NOT_A_CHARACTER = "\uffff"  # mapped by no font: drawn as the font's .notdef glyph


def glyph(font: ImageFont.FreeTypeFont, character: str) -> np.ndarray:
    image = Image.new("L", (2 * font.size, 2 * font.size))
    ImageDraw.Draw(image).text((font.size // 4, font.size // 4), character, font=font, fill=255)
    return np.asarray(image)


def missing_glyphs(font: ImageFont.FreeTypeFont, text: str) -> str:
    """The characters of ``text`` that the font draws as its missing-glyph box, or not at all."""
    box = glyph(font, NOT_A_CHARACTER)
    drawn = {character: glyph(font, character) for character in set(text) if not character.isspace()}
    return "".join(sorted(c for c, image in drawn.items() if np.array_equal(image, box) or not image.any()))


def language_titles(path: Path) -> list[str]:
    """A sentence in the language's spoken language, and its prompts with that sentence filled in."""
    (spec,) = OmegaConf.to_container(OmegaConf.load(path)).values()
    sentence = SENTENCES[spec["spoken_code"]]
    return [sentence] + [prompt.replace("{text}", sentence) for prompt in spec.get("prompts", [])]


@pytest.fixture(scope="module")
def title_font() -> ImageFont.FreeTypeFont:
    if fonts.title_font_path() is None:
        pytest.skip(f"the title font is not installed: apt-get install {fonts.FONT_PACKAGE}")
    return fonts.title_font(28)


def test_every_spoken_language_is_covered():
    assert len(LANGUAGES) == 8
    assert {OmegaConf.load(path)[path.stem]["spoken_code"] for path in LANGUAGES} <= set(SENTENCES)


@pytest.mark.parametrize("path", LANGUAGES, ids=lambda path: path.stem)
def test_titles_draw_no_missing_glyph_box(path, title_font):
    assert title_font.getname()[0] == fonts.FONT_FAMILY
    for title in language_titles(path):
        assert missing_glyphs(title_font, title) == "", title


def test_the_check_sees_boxes_in_pillows_own_font():
    default = ImageFont.load_default(size=28)
    assert set(missing_glyphs(default, SENTENCES["ko"] + "ğşİß")) >= set("안녕ğşİß")
    assert missing_glyphs(default, SENTENCES["en"]) == ""


def test_render_clip_titles_show_letters_not_boxes(title_font, frames, openpose50):
    box = render_clip(frames[:1], openpose50, size=128, title=NOT_A_CHARACTER)
    for letter in "안ğİşßñçéö":
        titled = render_clip(frames[:1], openpose50, size=128, title=letter)
        assert (titled[0, :10] < 128).any() and not np.array_equal(titled, box), letter


def test_fontconfig_finds_the_font_outside_the_known_paths(monkeypatch, title_font):
    if fonts.shutil.which("fc-match") is None:
        pytest.skip("fontconfig's fc-match is not installed")
    known = fonts.title_font_path()
    monkeypatch.setattr(fonts, "FONT_PATHS", ("/nonexistent/font.ttc",))
    fonts.title_font_path.cache_clear()
    try:
        assert fonts.title_font_path().samefile(known)
    finally:
        fonts.title_font_path.cache_clear()


def test_without_the_font_pillows_is_used_with_one_warning(monkeypatch, caplog):
    monkeypatch.setattr(fonts, "FONT_PATHS", ("/nonexistent/font.ttc",))
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    fonts.title_font_path.cache_clear()
    fonts.title_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=fonts.__name__):
            assert fonts.title_font(20).getname() == ImageFont.load_default(size=20).getname()
            fonts.title_font(24)
        assert [record.getMessage().count(fonts.FONT_PACKAGE) for record in caplog.records] == [2]
    finally:
        fonts.title_font_path.cache_clear()
        fonts.title_font.cache_clear()
