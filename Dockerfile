# syntax=docker/dockerfile:1
# Build stage: resolve and install dependencies into a virtualenv.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml constraints.txt README.md ./
COPY app ./app
RUN pip install -c constraints.txt .

# Runtime stage: the virtualenv, the migrations, and an unprivileged user.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 mentorship \
    && mkdir -p /srv/data && chown mentorship /srv/data
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv
COPY alembic.ini ./
COPY alembic ./alembic
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MENTOR_HOST=0.0.0.0 \
    MENTOR_PORT=8000 \
    MENTOR_ALEMBIC_INI=/srv/alembic.ini \
    MENTOR_DATABASE_URL=sqlite+aiosqlite:////srv/data/mentorship.db
VOLUME ["/srv/data"]
USER mentorship
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
# Migrations first, then the server (exec: uvicorn receives the stop signal itself).
CMD ["sh", "-c", "mentorship migrate && exec mentorship serve"]
