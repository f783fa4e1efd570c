# syntax=docker/dockerfile:1
# The service image: what requirements.txt runs, nothing of the development tools
# (requirements-dev.txt). `docker compose up --build` runs it with PostgreSQL and Redis.

# --- build: wheels for every pinned requirement, the static files and the catalogs ---------
FROM python:3.11-slim AS build
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# gettext: msgfmt compiles the message catalogs (the .mo files are build output).
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt \
    && pip install --no-cache-dir --no-index --find-links /wheels -r requirements.txt
COPY . .
# The production settings (DEBUG off): hashed, compressed static files with their manifest.
# They refuse to load without a real key, and no key is needed to copy files: a throw-away one,
# made here and gone with this stage, never the runtime's.
# (manage.py itself defaults to development, hence DEBUG=0 spelled out.)
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    && export DEBUG=0 SECRET_KEY \
    && python manage.py collectstatic --noinput -v0 \
    && python manage.py compilemessages -v0

# --- runtime: the wheels, the code, the built files; a user without privileges ----------------
FROM python:3.11-slim
# Production settings for every process of the image, manage.py's commands (migrate) included.
# gunicorn.conf.py: listen on the container's interface.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 WEB_HOST=0.0.0.0 PORT=8000
COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt
RUN useradd --create-home --uid 1000 hima
WORKDIR /app
COPY --from=build --chown=hima:hima /app /app
# The photos' folder (MEDIA_ROOT), owned by the service's user: a named volume mounted on it
# starts with this ownership (docker-compose.yml's `media`).
RUN mkdir -p /app/media && chown hima:hima /app/media
USER hima
EXPOSE 8000
# /healthz answers 200 when PostgreSQL and Redis answer. Asked under a name ALLOWED_HOSTS
# accepts (its first), or Django would refuse the loopback address as a host.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.').replace('*', 'localhost'); u.urlopen(u.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), headers={'Host': host}), timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "hima_service.wsgi"]
