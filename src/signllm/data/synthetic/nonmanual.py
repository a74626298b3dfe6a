"""The face that signs: mouthing drawn per sign, and the grammar's non-manual markers per sentence.

- Mouthing: each sign has its own mouth pattern, drawn once per (language, gloss) like its manual
  parameters: one to three mouth shapes (``MOUTH_SHAPES``) in turn over the sign.
- Yes/no questions: brows raised and eyes widened from just before the first sign to just after the
  last. The head stays upright, so that a question is seen only in the face (a layout without a face,
  openpose50, cannot tell it from its statement: the same frames).
- Negation: a head shake (``SHAKE_AMPLITUDE`` radians, one cycle per ``SHAKE_PERIOD`` frames) over the
  predicate (object and verb, or the verb), with lowered brows and mouth corners pulled down; in a
  negated question the raised brows of the question win.
- Blinks: at prosodic boundaries, after a topicalised time sign and at the end of the sentence.

All of it follows from the sentence and its sign durations, so it is learnable from the text; none of
it changes the hands (see grammar.py).
"""

from __future__ import annotations

import numpy as np

from signllm.data.synthetic.face import BROWS, CORNERS, EYES, YAW
from signllm.data.synthetic.grammar import Sentence

# (open, width, corners, puff); see face.py for what each does
MOUTH_SHAPES = np.array(
    [
        (0.0, 0.0, 0.0, 0.0),  # relaxed
        (0.0, 0.2, -0.2, 0.0),  # "mm": lips pressed
        (0.85, 0.15, 0.0, 0.0),  # "a"
        (0.5, -0.9, 0.0, 0.0),  # "o"
        (0.15, -1.0, 0.0, 0.0),  # "u"
        (0.2, 1.0, 0.3, 0.0),  # "i"
        (0.45, 0.6, 0.1, 0.0),  # "e"
        (0.1, 0.3, 0.0, 0.0),  # "f"
        (0.0, -0.3, 0.0, 1.0),  # puffed cheeks
        (0.05, 0.8, 1.0, 0.0),  # smile
    ]
)
SYLLABLES = (1, 2, 3)
SYLLABLE_PROBABILITIES = (0.4, 0.4, 0.2)
RAMP = 4  # frames over which a marker sets in before its span and fades after it
QUESTION_BROWS, QUESTION_EYES = 1.0, 1.15
NEGATION_BROWS, NEGATION_CORNERS = -0.5, -0.7
SHAKE_AMPLITUDE, SHAKE_PERIOD = 0.22, 10  # radians, frames
BLINK = np.array([0.5, 0.05, 0.0, 0.35, 0.8])  # eye openness factors over the frames of a blink


def make_mouthing(rng: np.random.Generator, frames: int) -> np.ndarray:
    """A sign's mouth track (frames, 4): its shapes in turn, each reached at the middle of its share."""
    count = SYLLABLES[rng.choice(len(SYLLABLES), p=SYLLABLE_PROBABILITIES)]
    shapes = MOUTH_SHAPES[rng.integers(len(MOUTH_SHAPES), size=count)]
    phase = np.linspace(0, 1, frames)
    keys = (np.arange(count) + 0.5) / count
    return np.stack([np.interp(phase, keys, shapes[:, column]) for column in range(shapes.shape[1])], axis=1)


def envelope(frames: int, start: int, stop: int) -> np.ndarray:
    """1 on frames [start, stop), easing from 0 over ``RAMP`` frames before and back to 0 after."""
    index = np.arange(frames)
    rise = np.clip((index - (start - RAMP)) / RAMP, 0, 1)
    fall = np.clip(((stop - 1 + RAMP) - index) / RAMP, 0, 1)
    weight = np.minimum(rise, fall)
    return weight**2 * (3 - 2 * weight)


def mark_sentence(states: np.ndarray, spans: list[tuple[int, int]], sentence: Sentence) -> None:
    """Write the sentence's non-manual markers into its clip's states (in place); ``spans`` are the frame
    ranges of its signs (``clip_states``)."""
    frames, question = len(states), sentence.question
    if question:
        weight = envelope(frames, spans[0][0], spans[-1][1])
        states[:, BROWS] += QUESTION_BROWS * weight
        states[:, EYES] *= 1 + (QUESTION_EYES - 1) * weight
    if sentence.negated:
        start, stop = spans[sentence.predicate][0], spans[-1][1]
        weight = envelope(frames, start, stop)
        cycle = 2 * np.pi * (np.arange(frames) - (start - RAMP)) / SHAKE_PERIOD
        states[:, YAW] += SHAKE_AMPLITUDE * weight * np.sin(cycle)
        states[:, CORNERS] += NEGATION_CORNERS * weight
        if not question:
            states[:, BROWS] += NEGATION_BROWS * weight
    boundaries = ([spans[0][1]] if sentence.time else []) + [spans[-1][1] + 1]  # after a topicalised time sign
    for boundary in boundaries:
        stop = min(boundary + len(BLINK), frames)
        states[boundary:stop, EYES] *= BLINK[: stop - boundary]
