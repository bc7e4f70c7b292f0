# Lede: the bot or the ingest worker (compose.yaml runs both against PostgreSQL). The install
# step is the README's: pip install of this project with the PostgreSQL extra.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 LEDE_DATA_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY index index
COPY ingest ingest
RUN pip install '.[postgres]' && useradd --create-home lede && mkdir -p /data && chown lede /data
USER lede
VOLUME /data
# Health and metrics (LEDE_HTTP_PORT) and, for a webhook, LEDE_WEBHOOK_PORT.
EXPOSE 9101 8443
CMD ["lede", "bot"]
