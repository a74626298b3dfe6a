"""pose-format component and point names <-> our global point names, from the tables in ``conf/pose_format/``.

A ``.pose`` file names its components and points in the words of the tool that wrote it (MediaPipe's
``POSE_LANDMARKS`` / ``LEFT_SHOULDER``, OpenPose's ``pose_keypoints_2d`` / ``LShoulder``). Each table maps a
file component to one of ours (``as``) and its point names to our local names (``points``, or ``numbered: mp``
for points named by a number). Files written in our own words (components ``body``, ``left_hand``, ...; point
names as in the layout) need no table. Reading turns a file's header into a source layout (``file_layout``)
that ``signllm.data.convert`` maps into any target; writing names a layout's points in the table its config
names (``pose_format: mediapipe_holistic``), or in our own words.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from omegaconf import OmegaConf

from signllm.skeleton import COMPONENTS, CONF_DIR, Skeleton, SkeletonError

TABLES = CONF_DIR / "pose_format"
TRAILING_NUMBER = re.compile(r"(\d+)$")


@lru_cache(maxsize=1)
def tables() -> dict[str, dict]:
    """Table name -> {file component name -> its spec}."""
    return {
        path.stem: OmegaConf.to_container(OmegaConf.load(path))["components"] for path in sorted(TABLES.glob("*.yaml"))
    }


def _file_components() -> dict[str, tuple[str, dict]]:
    """File component name -> (its table's name, its spec)."""
    return {name: (table, spec) for table, specs in tables().items() for name, spec in specs.items()}


def global_name(component: str, point: str, spec: dict | None) -> str | None:
    """Our global name of a point of a file component (None if the table does not name it)."""
    if spec is None:
        return f"{component}.{point}" if component in COMPONENTS else None
    name = (spec.get("points") or {}).get(point)
    if name is None and spec.get("numbered") and (number := TRAILING_NUMBER.search(point)):
        name = f"{spec['numbered']}{int(number.group(1))}"
    if name is None or "." in name:
        return name
    return f"{spec['as']}.{name}"


def file_layout(header, dims: int, path) -> tuple[Skeleton, np.ndarray, tuple[str, ...]]:
    """A pose-format header as a layout of the points we can name: (layout, the file's flat index of each of its
    points, the file points left out as ``component.point``). ValueError naming the file if nothing is known."""
    known, flat, by_component, left_out, used = _file_components(), 0, {}, [], set()
    for component in header.components:
        table, spec = known.get(component.name, ("signllm", None))
        for point in component.points:
            name = global_name(component.name, point, spec)
            if name is None:
                left_out.append(f"{component.name}.{point}")
            else:
                by_component.setdefault(name.split(".", 1)[0], []).append((name, flat))
                used.add(table)
            flat += 1
    if not by_component:
        names = [component.name for component in header.components]
        raise ValueError(f"{path}: no known pose layout (components {names}; tables in {TABLES})")
    named = [pair for pairs in by_component.values() for pair in pairs]
    if len({name for name, _ in named}) != len(named):
        raise ValueError(f"{path}: two points of the file have the same name")
    config = {
        "name": f"{'+'.join(sorted(used))} .pose",
        "dims": dims,
        "confidence": True,
        "components": {
            part: {"points": [name.split(".", 1)[1] for name, _ in pairs]} for part, pairs in by_component.items()
        },
    }
    return Skeleton(config), np.array([index for _, index in named], dtype=np.int64), tuple(left_out)


def layout_names(skeleton: Skeleton) -> list[tuple[str, list[str]]]:
    """(file component name, file point names) of each component of a layout, as its ``pose_format`` says."""
    table_name = skeleton.config.get("pose_format")
    if table_name is None:
        return [(component.name, list(component.points)) for component in skeleton.components]
    if table_name not in tables():
        raise SkeletonError(
            f"skeleton={skeleton.name}: pose_format={table_name!r}: no table {TABLES / table_name}.yaml"
        )
    result = []
    for component in skeleton.components:
        file_component, spec = next(
            ((name, spec) for name, spec in tables()[table_name].items() if spec.get("as") == component.name),
            (None, None),
        )
        if spec is None:
            raise SkeletonError(
                f"skeleton={skeleton.name}: pose_format={table_name} has no component as {component.name}"
            )
        points = {local: file_point for file_point, local in (spec.get("points") or {}).items()}
        prefix = spec.get("numbered")
        names = []
        for point in component.points:
            if point in points:
                names.append(points[point])
            elif prefix and point.startswith(prefix) and point[len(prefix) :].isdigit():
                names.append(point[len(prefix) :])
            else:
                raise SkeletonError(
                    f"skeleton={skeleton.name}: pose_format={table_name} has no name for {component.name}.{point}"
                )
        result.append((file_component, names))
    return result
