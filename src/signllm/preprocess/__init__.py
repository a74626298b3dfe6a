"""Preprocessing: OpenPose JSON, DWPose per-frame files or .pose files -> HDF5 -> batched 2D-to-3D lifting ->
split files, in any layout (``skeleton=``).

Run with ``python -m signllm.preprocess`` (conf/preprocess.yaml); the stages are in ``pipeline``.
"""
