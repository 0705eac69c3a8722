# The portal's image: web (gunicorn), Celery worker and beat all run from it.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=imi_portal.settings.production

# WeasyPrint needs Pango and fonts; libmagic-free file checks use the `filetype` package.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are collected at build time and served by WhiteNoise.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build EMAIL_URL=consolemail:// \
    python manage.py collectstatic --noinput

RUN useradd --create-home --uid 10001 portal \
    && mkdir -p /data/private_media && chown -R portal /data /app
USER portal

EXPOSE 8000
CMD ["gunicorn", "imi_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
