# One image for every registry process; the command picks the service or worker.
FROM python:3.12-slim
RUN useradd --create-home --uid 10001 registry
WORKDIR /app
COPY pyproject.toml README.md ./
COPY mcp_registry ./mcp_registry
COPY services ./services
COPY shared ./shared
COPY cli ./cli
COPY plugins ./plugins
RUN pip install --no-cache-dir . && rm -rf /app
USER registry
WORKDIR /home/registry
EXPOSE 8080
ENTRYPOINT ["mcp-registry"]
CMD ["serve", "all", "--bind", "0.0.0.0:8080"]
