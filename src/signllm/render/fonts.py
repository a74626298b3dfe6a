"""The title font: one font whose glyphs cover every spoken language of the project.

Pillow's built-in font draws ö, ß, é, ñ, ç, ğ and all Hangul as boxes. WenQuanYi Micro Hei (Debian/Ubuntu
package ``fonts-wqy-microhei``, 1.6 MB) covers Latin with its accents, the Turkish letters and all 11,172
Hangul syllables in one file; Noto Sans CJK, the obvious alternative, lacks ğ, İ and ş. ``.ci/run`` and the
Dockerfile install it; without it titles fall back to Pillow's font with a one-time warning.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from pathlib import Path

from PIL import ImageFont

FONT_PACKAGE = "fonts-wqy-microhei"
FONT_FAMILY = "WenQuanYi Micro Hei"
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian, Ubuntu
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",  # Fedora
)

log = logging.getLogger(__name__)


@functools.cache
def title_font_path() -> Path | None:
    """The font file: a known path, else what fontconfig finds under the family name; None (warned once)
    when it is not installed."""
    for path in map(Path, FONT_PATHS):
        if path.is_file():
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{family}\t%{file}", FONT_FAMILY], capture_output=True, text=True, check=False
        ).stdout
        family, _, file = found.partition("\t")
        if FONT_FAMILY in family.split(",") and Path(file).is_file():
            return Path(file)
    log.warning(
        "no %s font found: titles in Korean, Turkish, German, French or Spanish will show boxes; "
        "install the %s package (apt-get install %s)", FONT_FAMILY, FONT_PACKAGE, FONT_PACKAGE
    )
    return None


@functools.cache
def title_font(size: int) -> ImageFont.FreeTypeFont:
    """The title font at ``size`` pixels (Pillow's own font if the title font is not installed)."""
    path = title_font_path()
    return ImageFont.load_default(size=size) if path is None else ImageFont.truetype(str(path), size)
