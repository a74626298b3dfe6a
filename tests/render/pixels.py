"""Reading rendered pictures: which pixels are drawn, which are near a colour."""

import numpy as np

from signllm.render.draw import BACKGROUND


def ink(images: np.ndarray) -> np.ndarray:
    """True where a pixel is not background."""
    return (images != np.array(BACKGROUND, dtype=np.uint8)).any(axis=-1)


def near(images: np.ndarray, colour, tolerance: int = 40) -> np.ndarray:
    """True where a pixel is within ``tolerance`` (sum of channel differences) of ``colour``."""
    return np.abs(images.astype(int) - np.array(colour)).sum(axis=-1) < tolerance
