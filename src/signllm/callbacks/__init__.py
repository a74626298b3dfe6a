"""Lightning callbacks: DTW tracking (the priority learning channel lives in callbacks.plc)."""

from signllm.callbacks.dtw_tracker import DTWTracker

__all__ = ["DTWTracker"]
