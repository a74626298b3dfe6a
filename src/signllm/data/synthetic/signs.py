"""Lexical signs as state trajectories (hands and mouthing), and a clip as signs joined by smooth transitions.

A sign is drawn once per (language, gloss) from small inventories: a handshape (finger curls, spread),
possibly closing or opening into a second one; a hand orientation; a location (wrist target near the
face, chest or in neutral space); a movement (hold, line, arc, circle, repeated tap) of a few
centimetres; and a use of the hands: one-handed (the other hand rests), symmetric (the left hand
mirrors the right) or on a static base hand. Signs last 7-10 frames (25 fps); transitions ease with
minimum jerk over 3-6 frames depending on how far the hands travel and turn; clips start and end at rest.
Each sign also carries its mouthing (nonmanual.py), drawn from its own generator so that the manual
parameters are what they were before the face existed. Everything is fixed by the gloss sequence except
the signer's body, so the motion is learnable from text.
"""

from __future__ import annotations

import zlib

import numpy as np

from signllm.data.synthetic.face import MOUTH, NEUTRAL, STATE_SIZE
from signllm.data.synthetic.kinematics import LEFT, MANUAL, RIGHT, ROTATION, WRIST, blend, mirror, unit
from signllm.data.synthetic.nonmanual import make_mouthing
from signllm.data.synthetic.rotation import hand_rotation

SIGN_FRAMES = (7, 10)
TRANSITION_FRAMES = (3, 6)
TRANSITION_SPEED = 0.05  # wrist travel per transition frame, stored units
TURN_SPEED = 0.6  # hand rotation per transition frame, radians
REST_FRAMES = 2

# name: (curl of thumb, index, middle, ring, pinky; spread)
HANDSHAPES = {
    "B": ((0.2, 0, 0, 0, 0), 0.0),
    "5": ((0, 0, 0, 0, 0), 1.0),
    "A": ((0.2, 1, 1, 1, 1), 0.0),
    "S": ((0.7, 1, 1, 1, 1), 0.0),
    "1": ((0.8, 0, 1, 1, 1), 0.0),
    "V": ((0.8, 0, 0, 1, 1), 1.0),
    "W": ((0.8, 0, 0, 0, 1), 1.0),
    "Y": ((0, 1, 1, 1, 0), 0.5),
    "L": ((0, 0, 1, 1, 1), 0.3),
    "C": ((0.3, 0.45, 0.45, 0.45, 0.45), 0.2),
    "O": ((0.6, 0.7, 0.7, 0.7, 0.7), 0.0),
    "claw": ((0.3, 0.6, 0.6, 0.6, 0.6), 1.0),
}
# Right-hand rotations from (pointing direction, palm normal); x = signer's right, y down, z to the camera.
ORIENTATIONS = [
    hand_rotation(point, palm)
    for point, palm in (
        ((0, -1, 0), (0, 0, 1)),
        ((0, -1, 0), (-1, 0, 0)),
        ((0, -1, 0), (0, 0, -1)),
        ((0, 0, 1), (0, 1, 0)),
        ((0, 0, 1), (0, -1, 0)),
        ((0, 0, 1), (-1, 0, 0)),
        ((-1, 0, 0), (0, 1, 0)),
        ((-1, 0, 0), (0, 0, -1)),
        ((-0.5, -0.7, 0.5), (0, 0.6, 0.8)),
    )
]
BASE_ORIENTATIONS = ORIENTATIONS[3:6]  # of a base hand: pointing forward, palm down, up or inwards
# Right wrist targets, neck at the origin (the fingers reach ~0.15 beyond the wrist).
LOCATIONS = {
    "forehead": (0.07, -0.02, 0.22),
    "face": (0.05, 0.04, 0.25),
    "chin": (0.03, 0.10, 0.25),
    "cheek": (0.14, 0.02, 0.20),
    "opposite_shoulder": (-0.06, 0.12, 0.16),
    "chest": (0.02, 0.22, 0.20),
    "chest_side": (0.12, 0.22, 0.22),
    "stomach": (0.03, 0.34, 0.20),
    "neutral": (0.12, 0.26, 0.32),
    "neutral_high": (0.12, 0.12, 0.34),
    "neutral_low": (0.10, 0.36, 0.28),
    "side": (0.24, 0.26, 0.20),
}
DIRECTIONS = unit(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, -1, 0], [1, 0, 1], [0, -1, 1]], float))
MOVEMENTS = ("hold", "line", "arc", "circle", "tap")
USES = ("one_handed", "symmetric", "base_hand")
USE_PROBABILITIES = (0.5, 0.3, 0.2)
SYMMETRIC_SHIFT = np.array([0.05, 0.0, 0.0])  # both hands move apart from the midline
BASE_LOCATION = np.array([0.02, 0.22, 0.28])  # mirrored for the left base hand
ON_BASE = np.array([0.06, -0.06, 0.03])  # right wrist relative to the base hand's mirror image
REST = np.concatenate([(0.09, 0.36, 0.20), (0.3,) * 5, (0.2,), hand_rotation((0, 0, 1), (-1, 0, 0))])  # right hand


def ease(phase: np.ndarray) -> np.ndarray:
    """Minimum-jerk time scaling of a 0..1 phase."""
    return phase**3 * (10 - 15 * phase + 6 * phase**2)


def hand_states(frames: int, wrist, shape, rotation) -> np.ndarray:
    """(frames, HAND_STATE): wrist (3,) or (frames, 3), handshape (6,) or (frames, 6) and a rotation (4,)."""
    parts = (wrist, shape, rotation)
    return np.concatenate([np.broadcast_to(part, (frames, np.shape(part)[-1])) for part in parts], axis=1)


def _movement(rng: np.random.Generator, phase: np.ndarray) -> np.ndarray:
    """A random movement's wrist offsets (frames, 3) at each eased phase: ``along`` a direction, ``side`` across."""
    direction, across = DIRECTIONS[rng.choice(len(DIRECTIONS), size=2, replace=False)]
    across = unit(across - (across @ direction) * direction)
    movement, amplitude = MOVEMENTS[rng.integers(len(MOVEMENTS))], rng.uniform(0.03, 0.08)
    along, side = np.zeros_like(phase), np.zeros_like(phase)  # hold
    if movement in ("line", "arc"):
        along = phase - 0.5
    if movement == "arc":
        side = 0.4 * np.sin(np.pi * phase)
    if movement == "circle":
        along, side = 0.5 * np.sin(2 * np.pi * phase), 0.5 * (1 - np.cos(2 * np.pi * phase))
    if movement == "tap":
        along = 0.25 * (1 - np.cos(4 * np.pi * phase))
    return amplitude * (along[:, None] * direction + side[:, None] * across)


def make_sign(rng: np.random.Generator) -> np.ndarray:
    """One sign's (frames, MANUAL) hand trajectory drawn from the inventories."""
    frames = int(rng.integers(SIGN_FRAMES[0], SIGN_FRAMES[1] + 1))
    phase = ease(np.linspace(0, 1, frames))
    names = list(HANDSHAPES)

    def handshape() -> np.ndarray:
        curls, spread = HANDSHAPES[names[rng.integers(len(names))]]
        return np.array([*curls, spread], float)

    start = handshape()
    end = handshape() if rng.random() < 0.3 else start
    shape = start + phase[:, None] * (end - start)
    rotation = ORIENTATIONS[rng.integers(len(ORIENTATIONS))]
    location = np.array(list(LOCATIONS.values())[rng.integers(len(LOCATIONS))])
    path = _movement(rng, phase)
    use = USES[rng.choice(len(USES), p=USE_PROBABILITIES)]
    states = np.empty((frames, MANUAL))
    if use == "one_handed":
        states[:, RIGHT] = hand_states(frames, location + path, shape, rotation)
        states[:, LEFT] = mirror(REST)
    elif use == "symmetric":
        outward = np.array([abs(location[0]), *location[1:]]) + SYMMETRIC_SHIFT  # hands apart, never crossed
        states[:, RIGHT] = hand_states(frames, outward + path, shape, rotation)
        states[:, LEFT] = mirror(states[:, RIGHT])
    else:  # the left hand holds still as a base for the right
        base_rotation = BASE_ORIENTATIONS[rng.integers(len(BASE_ORIENTATIONS))]
        states[:, LEFT] = mirror(hand_states(frames, BASE_LOCATION, handshape(), base_rotation))
        states[:, RIGHT] = hand_states(frames, BASE_LOCATION + ON_BASE + path, shape, rotation)
    return states


def sign_rng(language: str, gloss: str, aspect: str = "") -> np.random.Generator:
    """The generator that draws an aspect of a gloss's sign in a language (the hands: ``""``): the same
    sign on every run and machine."""
    return np.random.default_rng(zlib.crc32(f"{language}/{gloss}{aspect and '/' + aspect}".encode()))


def lexical_sign(language: str, gloss: str) -> np.ndarray:
    """A gloss's (frames, STATE_SIZE) sign: its hands, its mouthing, the rest of the face neutral."""
    hands = make_sign(sign_rng(language, gloss))
    states = np.empty((len(hands), STATE_SIZE))
    states[:, :MANUAL], states[:, MANUAL:] = hands, NEUTRAL
    states[:, MOUTH] = make_mouthing(sign_rng(language, gloss, "mouth"), len(hands))
    return states


def _transition(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Eased in-between states, more of them the further the wrists travel or the hands turn."""
    effort = 0.0
    for hand in (RIGHT, LEFT):
        travel = np.linalg.norm(end[hand][WRIST] - start[hand][WRIST]) / TRANSITION_SPEED
        turn = 2 * np.arccos(min(1.0, abs(np.dot(end[hand][ROTATION], start[hand][ROTATION])))) / TURN_SPEED
        effort = max(effort, travel, turn)
    frames = int(np.clip(round(effort), *TRANSITION_FRAMES))
    return blend(start, end, ease(np.arange(1, frames + 1) / (frames + 1)))


def clip_states(signs: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """(T, STATE_SIZE) states of a clip (rest, each sign after an eased transition, back to rest) and
    each sign's frame range [start, stop)."""
    rest = np.concatenate([REST, mirror(REST), NEUTRAL])
    pieces, spans, frames = [np.tile(rest, (REST_FRAMES, 1))], [], REST_FRAMES
    for sign in signs + [np.tile(rest, (REST_FRAMES, 1))]:
        transition = _transition(pieces[-1][-1], sign[0])
        pieces += [transition, sign]
        frames += len(transition)
        spans.append((frames, frames + len(sign)))
        frames += len(sign)
    return np.concatenate(pieces), spans[:-1]
