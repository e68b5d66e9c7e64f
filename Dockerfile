# Vitrine: one image for every app process (gunicorn web, `flask worker`, `flask db upgrade`).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# Unprivileged user with a fixed uid/gid, so files in named volumes keep a stable owner
# across rebuilds.
RUN groupadd --system --gid 10001 vitrine \
 && useradd --system --uid 10001 --gid vitrine --create-home --home-dir /home/vitrine \
        --shell /usr/sbin/nologin vitrine

WORKDIR /app

# Dependencies before the code, so editing the app does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code stays owned by root (read-only for the app user). Only instance/ is writable:
# instance/exports is where workers write export files (a named volume in compose; Docker
# copies this directory's ownership into a fresh volume, so the app user can write to it).
COPY . .
RUN mkdir -p instance/exports && chown -R vitrine:vitrine instance

ENV FLASK_APP=wsgi.py \
    WEB_CONCURRENCY=2

USER vitrine
EXPOSE 8000

# gunicorn takes its worker count from WEB_CONCURRENCY by itself (the default above, or the
# value given at run time). Exec form: gunicorn is PID 1 and receives SIGTERM directly.
CMD ["gunicorn", "wsgi:app", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
