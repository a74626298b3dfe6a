"""Rendering and export: the 2D skeleton view, MP4/GIF writing, .pose files, generated outputs."""
