FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# gettext: msgfmt compiles the message catalogs (the .mo files are build output).
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput -v0 \
    && DEBUG=1 python manage.py compilemessages -v0
RUN useradd --create-home hima && chown -R hima /app
USER hima
EXPOSE 8000
CMD ["gunicorn", "hima_service.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--access-logfile", "-"]
