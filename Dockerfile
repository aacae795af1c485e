# Tavle in a container: migrations run at start-up, then uvicorn. Point TAVLE_DATABASE_URL at
# PostgreSQL for anything beyond a single machine. TAVLE_SECRET_KEY must be given (production);
# TAVLE_FORWARDED_ALLOW_IPS names the load balancer(s) trusted to send X-Forwarded-For.
# The first administrator: docker run --rm -e TAVLE_DATABASE_URL=... tavle python -m app create-admin EMAIL
# Retention (daily, say): the same with `python -m app retention` (`--dry-run` lists who would go).
FROM node:20-bookworm-slim AS static
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm AS build
WORKDIR /build
COPY requirements.lock ./
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir --require-hashes -r requirements.lock
COPY locales ./locales
RUN /venv/bin/pybabel compile -d locales -D messages

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/venv/bin:$PATH \
    TAVLE_ENVIRONMENT=production TAVLE_HOST=0.0.0.0 TAVLE_FORWARDED_ALLOW_IPS=127.0.0.1
RUN useradd --system --uid 10001 --home /app tavle
WORKDIR /app
COPY --from=build /venv /venv
COPY app ./app
COPY migrations ./migrations
COPY alembic.ini pyproject.toml ./
COPY --from=build /build/locales ./locales
COPY --from=static /build/node_modules/htmx.org/dist/htmx.min.js ./app/static/htmx.min.js
COPY --from=static /build/node_modules/htmx-ext-sse/dist/sse.min.js ./app/static/sse.js
COPY --from=static /build/node_modules/sortablejs/Sortable.min.js ./app/static/Sortable.min.js
RUN mkdir -p /app/data && chown tavle /app/data
USER tavle
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["sh", "-c", "alembic upgrade head && exec uvicorn app.main:create_app --factory --host 0.0.0.0 --port 8000 --workers ${TAVLE_WORKERS:-2} --proxy-headers --forwarded-allow-ips \"$TAVLE_FORWARDED_ALLOW_IPS\" --timeout-graceful-shutdown 3"]
