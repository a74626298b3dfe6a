"""A pretrained language model (or one half of one) trained as ``mode`` says, with a vector per sign-language marker.

- ``frozen``: nothing of the LM trains (and it stays in eval mode, so its outputs can be cached);
  ``lora``: low-rank adapters (peft) on the layers ``lora.target_modules`` name; ``full``: every weight trains.
- Marker tokens (``<asl>`` ...) are appended to the LM's tokenizer (ids from ``base_vocab`` on); their vectors
  live here, in float32, and enter the LM as input embeddings (they train unless the LM is frozen).
- The state dict holds only what the model folder does not: adapters and marker vectors (all weights in
  ``full`` mode); loading takes the folder's weights for the rest.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
from torch import nn

from signllm.models.components.pretrained_folder import TextEncoderError

MODES = ("frozen", "lora", "full")
# the attention query and value projections of every supported family (XLM-R; mT5; mBART, NLLB, Qwen, Llama)
DEFAULT_LORA = {"r": 16, "alpha": 32, "dropout": 0.05, "target_modules": ["query", "value", "q", "v", "q_proj", "v_proj"]}
ADAPTER = "lora_"  # in the names of peft's adapter weights


def marker_vectors(embed: nn.Module, base_vocab: int, count: int) -> torch.Tensor:
    """(count, width) float32 starting vectors: the mean token embedding plus noise of the embeddings' spread,
    the same for every run (seeded)."""
    with torch.no_grad():
        sample = embed(torch.linspace(0, base_vocab - 1, min(base_vocab, 4096)).long()).float()
    generator = torch.Generator().manual_seed(0)
    return sample.mean(0) + sample.std(0) * torch.randn(count, sample.shape[1], generator=generator)


def apply_mode(lm: nn.Module, mode: str, lora: Mapping | None = None) -> None:
    """Freeze ``lm`` or not, and add LoRA adapters (kept in float32) for ``mode == "lora"``."""
    if mode not in MODES:
        raise TextEncoderError(f"text_encoder.mode must be one of {MODES}, got {mode!r}")
    lm.requires_grad_(mode == "full")
    if mode == "lora":
        from peft import LoraConfig, inject_adapter_in_model

        lora = {**DEFAULT_LORA, **(lora or {})}
        config = LoraConfig(
            r=lora["r"], lora_alpha=lora["alpha"], lora_dropout=lora["dropout"], target_modules=list(lora["target_modules"])
        )
        try:
            inject_adapter_in_model(config, lm)
        except ValueError as error:
            raise TextEncoderError(f"text_encoder.lora.target_modules={lora['target_modules']}: {error}".splitlines()[0]) from None
        for name, parameter in lm.named_parameters():
            if ADAPTER in name:
                parameter.data = parameter.data.float()
                parameter.requires_grad_(True)


class PretrainedLM(nn.Module):
    """``lm`` (a transformers model) + ``markers`` vectors; ``embed`` is the LM's input embedding to extend."""

    def __init__(
        self,
        lm: nn.Module,
        embed: nn.Module,
        base_vocab: int,
        markers: int,
        mode: str = "frozen",
        lora: Mapping | None = None,
        gradient_checkpointing: bool = False,
    ):
        super().__init__()
        self.base_vocab, self.mode = base_vocab, mode
        self.markers = nn.Parameter(marker_vectors(embed, base_vocab, markers), requires_grad=mode != "frozen")
        apply_mode(lm, mode, lora)
        if gradient_checkpointing and mode != "frozen":
            lm.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
        self.lm = lm
        self._embed = [embed]  # a part of ``lm``, not registered twice
        self.register_state_dict_post_hook(_drop_folder_weights)
        self.register_load_state_dict_pre_hook(_keep_folder_weights)
        self.train()  # transformers loads in eval mode; a module starts in training mode (frozen: see train)

    @property
    def frozen(self) -> bool:
        return self.mode == "frozen"

    def train(self, mode: bool = True) -> PretrainedLM:
        super().train(mode)
        if self.frozen:  # no dropout: a frozen LM gives the same outputs in training, so they can be cached
            self.lm.eval()
        return self

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        """(B, L) ids (markers from ``base_vocab`` on) -> (B, L, width) input embeddings in the LM's dtype."""
        vectors = self._embed[0](ids.clamp(max=self.base_vocab - 1))
        is_marker = ids >= self.base_vocab
        if not is_marker.any():
            return vectors
        markers = self.markers.to(vectors.dtype)[(ids - self.base_vocab).clamp(min=0)]
        return torch.where(is_marker.unsqueeze(-1), markers, vectors)

    def folder_keys(self) -> list[str]:
        """State-dict keys (under ``lm.``) whose values come from the model folder, not the checkpoint."""
        if self.mode == "full":
            return []
        return [f"lm.{key}" for key in self.lm.state_dict(keep_vars=True) if ADAPTER not in key]


def _drop_folder_weights(module: PretrainedLM, state_dict, prefix, local_metadata) -> None:
    for key in module.folder_keys():
        state_dict.pop(prefix + key, None)


def _keep_folder_weights(module: PretrainedLM, state_dict, prefix, *args) -> None:
    """Keys the checkpoint does not hold load the folder's values, which are already in place."""
    weights = module.lm.state_dict(keep_vars=True)
    for key in module.folder_keys():
        state_dict.setdefault(prefix + key, weights[key[len("lm."):]])
