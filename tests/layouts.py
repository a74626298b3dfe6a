"""The pose layouts the tests build data in, loaded once per session from conf/skeleton."""

from signllm.skeleton import load_skeleton

OPENPOSE50 = load_skeleton("openpose50")
