"""MLSF (Multi-Language Switching Framework): one text encoder + pose decoder group per sign language.

Each sample is routed to its language's group. A trained checkpoint can gain groups for new languages
(``model.init_from=<ckpt> +model.add_languages=[gsl]``), optionally freezing the old groups
(``model.freeze_existing=true``); the old groups' weights, and so their outputs, stay as loaded. Such a run takes
the checkpoint's ``init_settings`` (size, the weight-shaping augmentation settings, layout) and its tokenizers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

import torch
from torch import nn

from signllm.cli import ConfigError, load_checkpoint
from signllm.data.datamodule import DataInfo
from signllm.models.augmentation import Augmentation
from signllm.models.components.pose_decoder import ProgressiveDecoder
from signllm.models.production import ProductionModule
from signllm.models.size import Size


class LanguageGroup(nn.Module):
    """One sign language's encoder-decoder: text ids -> ``encoder`` (TextEncoder's interface, e.g. from the
    module's ``text_encoders()``) -> memory -> progressive pose decoder."""

    def __init__(self, encoder: nn.Module, num_coords: int, size: Size, augmentation: Augmentation):
        super().__init__()
        self.encoder = encoder
        self.decoder = ProgressiveDecoder(
            num_coords,
            **size.block(size.decoder_layers),
            future_frames=augmentation.future_frames,
            just_counter=augmentation.just_counter,
        )

    def forward(self, text_ids, text_mask, inputs) -> torch.Tensor:
        return self.decoder(inputs, self.encoder(text_ids, text_mask), text_mask)


class MLSFModule(ProductionModule):
    load_overrides = {"init_from": None, "add_languages": [], "freeze_existing": False}

    def __init__(
        self,
        info,
        size,
        augmentation=None,
        loss=None,
        optimizer=None,
        scheduler=None,
        max_frames: int | None = None,
        add_languages: Sequence[str] = (),
        init_from: str | None = None,
        freeze_existing: bool = False,
        text_encoder=None,
    ):
        super().__init__(info, size, augmentation, loss, optimizer, scheduler, max_frames, text_encoder)
        checkpoint = load_checkpoint(init_from, "model.init_from") if init_from else None
        self.info = self._with_groups(self.info, checkpoint, list(add_languages or []), init_from)
        new_encoder = self.text_encoders()  # a pretrained LM may be shared by the groups (text_encoder.share)
        self.groups = nn.ModuleDict(
            {
                code: LanguageGroup(new_encoder(), self.skeleton.num_coords, self.size, self.augmentation)
                for code in self.info.languages
            }
        )
        if checkpoint is not None:
            self._load_groups(checkpoint, init_from, freeze_existing)

    @staticmethod
    def init_settings(checkpoint: dict) -> dict:
        """Settings (config key -> value) of a run growing ``checkpoint`` that must be the checkpoint's: the size
        and the augmentation settings that shape the groups' weights, and the layout."""
        augmentation = Augmentation.from_config(checkpoint["hyper_parameters"].get("augmentation"))
        return {
            "size": checkpoint["hyper_parameters"]["size"],
            "augmentation.future_frames": augmentation.future_frames,
            "augmentation.just_counter": augmentation.just_counter,
            "skeleton": checkpoint["data_info"]["skeleton"],
        }

    @staticmethod
    def _with_groups(info, checkpoint, added: list[str], init_from):
        """The run's DataInfo, its languages extended by every group this module holds.

        The data's languages come first, so the data's ``lang`` indices stay valid."""
        if checkpoint is None:
            if added:
                raise ConfigError("model.add_languages needs model.init_from, the checkpoint to add them to")
            return info
        old = DataInfo.from_dict(checkpoint["data_info"])
        if old.skeleton != info.skeleton:
            raise ConfigError(
                f"model.init_from={init_from} was trained on skeleton={old.skeleton.name}; "
                f"this run reads skeleton={info.skeleton.name}: set skeleton={old.skeleton.name}"
            )
        if clash := [code for code in added if code in old.languages]:
            raise ConfigError(f"model.add_languages: {clash} already have a group in model.init_from={init_from}")
        if missing := [code for code in info.languages if code not in old.languages + added]:
            raise ConfigError(
                f"language(s) {missing} of the data have no group in model.init_from={init_from}; "
                f"add them with +model.add_languages={missing}"
            )
        if not info.tokenizers.extends(old.tokenizers):
            raise ConfigError(
                f"the data's tokenizers do not keep the token ids of model.init_from={init_from}, which its "
                "groups were trained on: leave data.tokenizers unset (it defaults to model.init_from)"
            )
        languages = list(info.languages) + [c for c in old.languages + added if c not in info.languages]
        return dataclasses.replace(
            info, languages=languages, fps={**old.fps, **info.fps}, storage={**old.storage, **info.storage}
        )

    def _load_groups(self, checkpoint: dict, init_from: str, freeze: bool) -> None:
        """Copy the checkpoint's groups and start frame in; freeze those groups if asked."""
        state = {k: v for k, v in checkpoint["state_dict"].items() if k.startswith("groups.") or k == "start_frame"}
        own = self.state_dict()
        for key, value in state.items():  # text embeddings gain rows for the markers added since (fresh init)
            if key.endswith(".embed.weight") and len(value) < len(own[key]):
                state[key] = torch.cat([value, own[key][len(value) :]])
        try:
            self.load_state_dict(state, strict=False)
        except RuntimeError as error:
            raise ConfigError(
                f"model.init_from={init_from}: its groups do not fit this model; model.size and the "
                f"augmentation's future_frames / just_counter must match the checkpoint's ({error})"
            ) from error
        if freeze:
            for code in checkpoint["data_info"]["languages"]:
                self.groups[code].requires_grad_(False)

    def by_language(self, lang: torch.Tensor) -> Iterator[tuple[LanguageGroup, torch.Tensor]]:
        """(group, row indices) for each language present in a batch's ``lang`` (B,)."""
        if (bad := lang[(lang < 0) | (lang >= len(self.languages))]).numel():
            raise ValueError(
                f"batch lang indices {bad.unique().tolist()} name no group; this model has {self.languages}"
            )
        for index in lang.unique().tolist():
            yield self.groups[self.languages[index]], (lang == index).nonzero().squeeze(1)

    def teacher_forward(self, batch, inputs):
        predictions = None
        for group, rows in self.by_language(batch["lang"]):
            routed = group(batch["text_ids"][rows], batch["text_mask"][rows], inputs[rows])
            if predictions is None:
                predictions = routed.new_zeros(inputs.shape[0], *routed.shape[1:])
            predictions = predictions.index_put((rows,), routed)
        return predictions, {}

    @torch.no_grad()
    def generate(self, batch, max_frames=None, use_cache=True):
        text_ids, text_mask = batch["text_ids"], batch["text_mask"]
        parts = []
        for group, rows in self.by_language(batch["lang"]):
            memory = group.encoder(text_ids[rows], text_mask[rows])
            generated = group.decoder.generate(
                self.start_frame, memory, text_mask[rows], max_frames or self.max_frames, use_cache
            )
            parts.append((rows, *generated))
        longest = max(part.shape[1] for _, part, _ in parts)
        frames = self.start_frame.new_zeros(text_ids.shape[0], longest, self.skeleton.frame_size)
        lengths = text_ids.new_zeros(text_ids.shape[0])
        for rows, part, part_lengths in parts:
            frames[rows, : part.shape[1]] = part
            lengths[rows] = part_lengths
        return frames, lengths
