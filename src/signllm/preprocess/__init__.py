"""Preprocessing: OpenPose JSON or .pose files -> HDF5 -> batched 2D-to-3D lifting -> Prompt2Sign splits.

Run with ``python -m signllm.preprocess`` (conf/preprocess.yaml); the stages are in ``pipeline``.
"""
