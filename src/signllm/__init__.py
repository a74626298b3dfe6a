"""signllm: multilingual sign-language production (text or prompt -> pose sequences).

``signllm.load(checkpoint)`` returns a ``signllm.api.Generator`` (imported on first use, so that
``import signllm.skeleton`` stays light).
"""


def __getattr__(name: str):
    if name == "load":
        from signllm.api import load

        return load
    raise AttributeError(f"module 'signllm' has no attribute {name!r}")
