"""Frozen-encoder memory cache: a frozen LM's hidden states for every input of a corpus, computed once, on disk.

Layout (HDF5, the house style of ``signllm.data.cache``): ``ids`` (total tokens,) int32 and ``offsets``
(inputs + 1,) int64 (input i is ``ids[offsets[i]:offsets[i + 1]]``), ``memory`` (total tokens, width) in the
LM's dtype (bfloat16 stored as its int16 bits). The file name is a hash of the model folder's identity, the
layer, the dtype, the marker vectors and every input's ids, so a change of any of them builds a new file, and
later epochs and runs read it instead of running the LM. Inputs are looked up by their token ids, so the
data pipeline is unchanged: a batch whose inputs are all in the cache is read, any other is computed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path

import h5py
import numpy as np
import torch
from lightning.pytorch import Callback

from signllm.models.components.pretrained_folder import Identity
from signllm.models.components.pretrained_text_encoder import TextBackbone
from signllm.utils import atomic_output

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
SPLITS = ("train", "dev", "test")


def corpus_inputs(datamodule) -> list[tuple[int, ...]]:
    """Every distinct input (token ids) the datamodule's splits can give in any epoch, shortest first."""
    inputs = set()
    for split in SPLITS:
        dataset = datamodule.dataset(split)
        for index in range(len(dataset)):
            inputs.update(tuple(ids) for ids in dataset.input_choices(index))
    return sorted(inputs, key=lambda ids: (len(ids), ids))


def cache_key(backbone: TextBackbone, identity: Identity, inputs: Sequence[tuple[int, ...]]) -> str:
    dtype = str(next(backbone.lm.lm.parameters()).dtype)
    digest = hashlib.sha1(json.dumps([FORMAT_VERSION, identity.content, backbone.layer, dtype]).encode())
    digest.update(backbone.lm.markers.detach().float().cpu().numpy().tobytes())
    for ids in inputs:
        digest.update(np.asarray(ids, dtype=np.int32).tobytes() + b"\xff\xff\xff\xff")
    return digest.hexdigest()[:16]


def _to_numpy(hidden: torch.Tensor) -> np.ndarray:
    return (hidden.view(torch.int16) if hidden.dtype == torch.bfloat16 else hidden).cpu().numpy()


@torch.no_grad()
def build(backbone: TextBackbone, inputs: Sequence[tuple[int, ...]], path: Path, batch_size: int) -> None:
    """Compute the hidden states of ``inputs`` (shortest first, so batches pad little) into ``path`` (atomic)."""
    device = backbone.lm.markers.device
    offsets = np.concatenate([[0], np.cumsum([len(ids) for ids in inputs], dtype=np.int64)])
    with atomic_output(path) as temporary, h5py.File(temporary, "w") as h5:
        h5["ids"] = np.concatenate([np.asarray(ids, dtype=np.int32) for ids in inputs])
        h5["offsets"] = offsets
        memory = None
        for start in range(0, len(inputs), batch_size):
            rows = inputs[start : start + batch_size]
            width = max(map(len, rows))
            ids = torch.zeros(len(rows), width, dtype=torch.long)
            for i, row in enumerate(rows):
                ids[i, : len(row)] = torch.tensor(row)
            mask = torch.arange(width) < torch.tensor([len(row) for row in rows])[:, None]
            hidden = backbone.hidden(ids.to(device), mask.to(device))
            if memory is None:
                memory = h5.create_dataset("memory", (offsets[-1], hidden.shape[-1]), _to_numpy(hidden[:1, :1]).dtype)
                memory.attrs["dtype"] = str(hidden.dtype).removeprefix("torch.")
            values = _to_numpy(hidden[mask])
            memory[offsets[start] : offsets[start] + len(values)] = values
        h5.attrs.update(format_version=FORMAT_VERSION, inputs=len(inputs))


class MemoryCache:
    """Hidden states by input ids; the HDF5 file is opened lazily in each process."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        with h5py.File(self.path, "r") as h5:
            ids, self.offsets = h5["ids"][:], h5["offsets"][:]
            self.dtype = getattr(torch, h5["memory"].attrs["dtype"])
        self.index = {ids[a:b].tobytes(): i for i, (a, b) in enumerate(zip(self.offsets[:-1], self.offsets[1:]))}
        self._memory, self._pid = None, None

    def __len__(self) -> int:
        return len(self.index)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_memory": None, "_pid": None}

    def _row(self, i: int) -> torch.Tensor:
        if self._pid != os.getpid():
            self._memory, self._pid = h5py.File(self.path, "r")["memory"], os.getpid()
        values = torch.from_numpy(self._memory[self.offsets[i] : self.offsets[i + 1]])
        return values.view(self.dtype) if self.dtype == torch.bfloat16 else values

    def lookup(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor | None:
        """(B, L, width) hidden states of padded ``ids`` (zeros where masked), or None unless all are held."""
        found = []
        for row, length in zip(ids.cpu().numpy().astype(np.int32), mask.sum(1).tolist()):
            if (i := self.index.get(row[:length].tobytes())) is None:
                return None
            found.append(self._row(i))
        memory = torch.zeros(*ids.shape, found[0].shape[-1], dtype=self.dtype)
        for b, values in enumerate(found):
            memory[b, : len(values)] = values
        return memory


def frozen_backbones(module: torch.nn.Module) -> list[TextBackbone]:
    return [m for m in module.modules() if isinstance(m, TextBackbone) and m.cacheable]


class FrozenMemoryCache(Callback):
    """Serves fitting, validation and testing of every frozen text backbone from its memory cache of the
    datamodule's corpus, building the cache first (on one process per node) when it does not exist."""

    def __init__(self, cache_dir: Path | str, identity: Identity, batch_size: int = 32):
        self.cache_dir, self.identity, self.batch_size = Path(cache_dir), identity, batch_size

    def _attach(self, trainer, pl_module) -> None:
        datamodule = trainer.datamodule
        pending = [backbone for backbone in frozen_backbones(pl_module) if backbone.cache is None]
        if datamodule is None or not pending:
            return
        inputs = corpus_inputs(datamodule)
        for backbone in pending:
            path = self.cache_dir / f"text-memory.{cache_key(backbone, self.identity, inputs)}.h5"
            if trainer.local_rank == 0 and not path.is_file():
                started = time.perf_counter()
                build(backbone, inputs, path, self.batch_size)
                log.info("text memory of %d inputs computed in %.1f s: %s", len(inputs), time.perf_counter() - started, path)
            trainer.strategy.barrier()
            backbone.cache = MemoryCache(path)

    def on_fit_start(self, trainer, pl_module) -> None:
        self._attach(trainer, pl_module)

    def on_validation_start(self, trainer, pl_module) -> None:
        self._attach(trainer, pl_module)

    def on_test_start(self, trainer, pl_module) -> None:
        self._attach(trainer, pl_module)

    def teardown(self, trainer, pl_module, stage: str) -> None:
        """After the run the module computes its memory again (generation of new texts, other data)."""
        for backbone in frozen_backbones(pl_module):
            backbone.cache = None
