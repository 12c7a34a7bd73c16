# The production image: gunicorn serves the app; the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_ENV=production \
    QI_VAR_DIR=/app/var

WORKDIR /app
# WeasyPrint (the PDF reports) needs Pango and HarfBuzz; DejaVu is the reports' font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt requirements.lock ./
RUN pip install --no-cache-dir -r requirements.txt -c requirements.lock

COPY . .
# collectstatic needs a key to import the settings; the real one comes from the environment.
RUN SECRET_KEY=build-only-key ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && useradd --create-home qi && mkdir -p /app/var/media && chown -R qi /app/var
USER qi

EXPOSE 8000
CMD ["gunicorn", "qiproject.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
