# Production image. The same image runs the web server (gunicorn, the default command), the Celery
# worker and Celery beat; docker-compose.yml picks the command per service. Settings come from the
# environment (README, Configuration).
FROM python:3.11-slim

# PYTHONPATH: import the project from /app, where templates and static files live next to the code
# (`pip install .` below is for the dependencies; BASE_DIR must be /app, not site-packages).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN groupadd --system tidings \
    && useradd --system --gid tidings --home-dir /app --no-create-home --shell /usr/sbin/nologin tidings

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY config ./config
COPY apps ./apps
RUN pip install .

COPY . .
# Static files are collected at build time and served by WhiteNoise. The throwaway key exists only
# for this step: production settings refuse to start without SECRET_KEY.
RUN SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p var/media \
    && chown -R tidings:tidings var

USER tidings
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
