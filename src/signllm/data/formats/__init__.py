"""Readers and writers of the pose file formats the field publishes, one module per format.

- ``dwpose_frames``: the Prompt2Sign 2025 tools' per-frame DWPose JSON / npz / npy folders (read).
- ``slrtp``: SLRTP 2025 challenge ``.pt`` files (read and write; the challenge submission).
- ``pose_names``: how pose-format files name their components and points, as our layouts' point names.

``.skels`` splits are ``signllm.data.skels``; ``.pose`` files are ``signllm.render.pose_file``; converting
between layouts is ``signllm.data.convert``.
"""
