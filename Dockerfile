# CPU image (default):  docker build -t signllm .
# CUDA image:           docker build -t signllm:cuda --build-arg BASE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 .
# Smaller CPU image:    add --build-arg PIP_EXTRA_INDEX_URL=<the PyTorch CPU wheel index>
ARG BASE=python:3.11-slim
FROM ${BASE}

ARG PIP_EXTRA_INDEX_URL=""
ENV PIP_EXTRA_INDEX_URL=${PIP_EXTRA_INDEX_URL} \
    PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1 \
    SIGNLLM_ROOT=/signllm \
    PATH=/opt/venv/bin:${PATH}

# CUDA bases come without Python.
RUN if ! command -v python3 >/dev/null; then \
        apt-get update && apt-get install -y --no-install-recommends python3 python3-venv \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && python3 -m venv /opt/venv

# The title font: Latin with accents, Turkish letters and Hangul in one file (signllm.render.fonts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /signllm
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN pip install --no-deps -e .

# Data, outputs and W&B files go to mounted volumes: docker run -v $PWD/data:/signllm/data -v $PWD/outputs:/signllm/outputs
VOLUME ["/signllm/data", "/signllm/outputs"]
ENTRYPOINT ["python3"]
CMD ["train.py", "experiment=quickstart"]
