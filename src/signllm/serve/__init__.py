"""``python serve.py checkpoint=…``: a local web page and JSON API that generate with one checkpoint.

``app`` builds the FastAPI app from a loaded ``signllm.api.Generator``; ``limiter`` is the bounded
generation queue; ``payload`` turns layouts and frames into JSON; ``page/`` is the static page
(plain HTML, CSS and a small canvas player: no build step, nothing fetched from the network).
"""
