# Loopwright's one image: web (gunicorn), worker and beat (celery), and the migrate job.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders debrief packets with Pango; DejaVu is the font the PDFs are laid out in.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Static files are collected (hashed and compressed for whitenoise) at build time, with
# a throw-away key (settings refuse to start without SECRET_KEY when DEBUG is off) and
# the console mail backend allowed, since nothing is sent while building.
RUN SECRET_KEY=build-time-only-not-a-secret DEBUG=false ALLOW_CONSOLE_EMAIL=true \
        python manage.py collectstatic --noinput -v 0 \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin loopwright \
    && mkdir -p /app/media \
    && chown -R loopwright:loopwright /app/media /app/staticfiles

USER loopwright
ENV MEDIA_ROOT=/app/media
EXPOSE 8000

# Preloaded, so that HUP rotates workers without a stall (config/gunicorn.conf.py says why).
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
