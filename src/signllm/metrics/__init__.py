"""Evaluation metrics: Progressive-Transformers DTW and DTW-MJE (metrics.dtw), motion statistics (metrics.motion)."""

from signllm.metrics.dtw import DTWMetric, batched_dtw
from signllm.metrics.motion import joint_travel, motion_ratios

__all__ = ["DTWMetric", "batched_dtw", "joint_travel", "motion_ratios"]
