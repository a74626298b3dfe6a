"""Evaluation: production models, the ground-truth ceiling and baselines through one frozen back-translator."""
