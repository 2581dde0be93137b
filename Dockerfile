# One image for the web server, the Celery worker and Celery beat (see docker-compose.yml).
# Not built by CI: .ci/run tests the code directly on the host.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (PDF documents) needs Pango, HarfBuzz and fonts from the system.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Runtime dependencies only (pyproject's [project.dependencies]), at the versions of
# requirements.lock; the dev tools (pytest, Playwright, ruff) stay out of the image.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/runtime.txt \
    && pip install -r /tmp/runtime.txt -c requirements.lock \
    && rm /tmp/runtime.txt

COPY . .

RUN useradd --system --uid 1000 --home-dir /app rcd \
    && mkdir -p /app/staticfiles /data/media \
    && chown -R rcd:rcd /app/staticfiles /data/media
USER rcd

ENV MEDIA_ROOT=/data/media
EXPOSE 8000

# The web service of docker-compose.yml migrates and collects static files before this.
CMD ["gunicorn", "mediation.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
