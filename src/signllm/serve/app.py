"""The web app: the page, and a JSON API over one loaded ``signllm.api.Generator``.

``GET /`` the page; ``GET /health``; ``GET /api/languages``; ``POST /api/generate`` {text, language,
prompt} -> frames, fps, layout, strokes; ``GET /api/generate.{pose,skels,mp4,gif}?text=..&language=..&prompt=..``
the same generation as a file, written by the API's own writers into a temporary folder and sent back.
A bad request gets a 4xx answer ``{"detail": "<one line>"}`` before it takes a place in the queue.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict

from signllm.api import GenerationError, Generator, check_texts
from signllm.render.export import FORMATS
from signllm.serve.limiter import Busy, Limiter, TimeLimit
from signllm.serve.payload import frames_payload, layout_payload, strokes_payload

PAGE = Path(__file__).resolve().parent / "page"
MEDIA_TYPES = {"skels": "text/plain", "mp4": "video/mp4", "gif": "image/gif"}  # others: binary


@dataclass(frozen=True)
class Limits:
    """What one server allows (conf/serve.yaml ``limits``); refused values name their key."""

    max_text_length: int = 500
    max_concurrent: int = 1
    queue_size: int = 8
    time_limit: float = 60.0
    retry_after: int = 5
    max_frames: int | None = None
    render_size: int = 256

    def __post_init__(self):
        minimums = {"max_text_length": 1, "max_concurrent": 1, "queue_size": 0, "retry_after": 0, "render_size": 16}
        for key, minimum in minimums.items():
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise GenerationError(f"limits.{key} must be an integer >= {minimum}, got {value!r}")
        if self.render_size % 2:
            raise GenerationError(f"limits.render_size must be even, got {self.render_size}")
        if self.max_frames is not None and (not isinstance(self.max_frames, int) or self.max_frames < 1):
            raise GenerationError(f"limits.max_frames must be null or an integer >= 1, got {self.max_frames!r}")
        if isinstance(self.time_limit, bool) or not isinstance(self.time_limit, (int, float)) or self.time_limit <= 0:
            raise GenerationError(f"limits.time_limit must be a positive number of seconds, got {self.time_limit!r}")


class GenerateRequest(BaseModel):
    """One generation request; ``language`` may be left out for a one-language checkpoint or a prompt."""

    model_config = ConfigDict(extra="forbid", strict=True)
    text: str
    language: str | None = None
    prompt: bool = False


def one_line(error: RequestValidationError) -> tuple[int, str]:
    """A validation error as (status, message): 400 for a body that is not JSON, 422 otherwise."""
    first = error.errors()[0]
    if first["type"] == "json_invalid":
        return 400, f"malformed JSON: {first.get('ctx', {}).get('error', first['msg'])}"
    where = ".".join(str(part) for part in first["loc"] if part not in ("body", "query"))
    return 422, f"{where or 'body'}: {first['msg']}"


def create_app(generator: Generator, limits: Limits = Limits(), names: Mapping[str, str] | None = None) -> FastAPI:
    """The app serving ``generator``; ``names`` maps language codes to the names the page shows."""
    limiter = Limiter(limits.max_concurrent, limits.queue_size, limits.time_limit)
    layout = layout_payload(generator)
    names = dict(names or {})

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        limiter.shutdown()

    app = FastAPI(title="signllm", lifespan=lifespan, docs_url=None, redoc_url=None)  # the docs pages use a CDN
    app.mount("/static", StaticFiles(directory=PAGE), name="static")

    def admit(request: GenerateRequest) -> str | None:
        """The language to generate in (None: the prompt chooses); refuses a bad request before it queues."""
        if len(request.text) > limits.max_text_length:
            raise GenerationError(
                f"text is {len(request.text)} characters long; the limit is {limits.max_text_length} "
                "(limits.max_text_length)"
            )
        check_texts([request.text])
        return generator.resolve_language(request.language, prompt=request.prompt)

    def generate(request: GenerateRequest, language: str | None) -> tuple[np.ndarray, str]:
        """Frames and the language they are in (in prompt mode, possibly the one the model chose)."""
        # generation is greedy, so no seed: seeding torch's global generator from several threads would race
        clips = generator.generate_clips(request.text, language, prompt=request.prompt, seed=None,
                                         max_frames=limits.max_frames)
        return clips[0].frames, generator.output_language(clips, language)

    # The jobs below run in a worker thread, up to the encoded answer: the event loop only sends bytes.

    def clip(request: GenerateRequest, language: str | None) -> JSONResponse:
        frames, language = generate(request, language)
        return JSONResponse({
            "text": request.text,
            "prompt": request.prompt,
            "language": language,
            "fps": generator.info.fps[language],
            "num_frames": len(frames),
            "layout": layout,
            "frames": frames_payload(frames, layout),
            "strokes": strokes_payload(frames, generator.info.skeleton),
        })

    def file(request: GenerateRequest, language: str | None, suffix: str) -> Response:
        frames, language = generate(request, language)
        with tempfile.TemporaryDirectory(prefix="signllm-serve-") as folder:
            paths = generator.write(folder, [request.text], [frames], language, [suffix],
                                    render_size=limits.render_size)
            content = next(path for path in paths if path.suffix == f".{suffix}").read_bytes()
        headers = {"Content-Disposition": f'attachment; filename="signllm-{language}.{suffix}"'}
        return Response(content, media_type=MEDIA_TYPES.get(suffix, "application/octet-stream"), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_, error: RequestValidationError):
        status, message = one_line(error)
        return JSONResponse({"detail": message}, status)

    @app.exception_handler(GenerationError)
    async def refused(_, error: GenerationError):
        return JSONResponse({"detail": str(error)}, 422)

    @app.exception_handler(Busy)
    async def busy(_, error: Busy):
        return JSONResponse({"detail": str(error)}, 503, headers={"Retry-After": str(limits.retry_after)})

    @app.exception_handler(TimeLimit)
    async def too_slow(_, error: TimeLimit):
        return JSONResponse({"detail": str(error)}, 504)

    @app.get("/", include_in_schema=False)
    async def page():
        return FileResponse(PAGE / "index.html")

    @app.get("/health")
    async def health():
        return {"status": "ok", "in_progress": limiter.admitted}

    @app.get("/api/languages")
    async def languages():
        return {
            "languages": [
                {"code": code, "name": names.get(code, code), "fps": generator.info.fps[code]}
                for code in generator.languages
            ],
            "model": type(generator.module).__name__,
            "max_text_length": limits.max_text_length,
            "formats": list(FORMATS),
        }

    @app.post("/api/generate")
    async def generate_clip(request: GenerateRequest):
        return await limiter.run(clip, request, admit(request))

    @app.get("/api/generate.{suffix}")
    async def generate_file(suffix: str, text: str, language: str | None = None, prompt: bool = False):
        if suffix not in FORMATS:
            raise HTTPException(404, f"no format {suffix!r}; choose from {', '.join(FORMATS)}")
        request = GenerateRequest(text=text, language=language, prompt=prompt)
        return await limiter.run(file, request, admit(request), suffix)

    return app
