"""The production LightningModules: MLSF (a group per sign language) and Prompt2LangGloss (shared)."""

from signllm.models.mlsf import MLSFModule
from signllm.models.production import ProductionModule
from signllm.models.prompt2langgloss import Prompt2LangGlossModule

__all__ = ["MLSFModule", "ProductionModule", "Prompt2LangGlossModule"]
