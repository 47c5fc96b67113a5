# syntax=docker/dockerfile:1
# One image for every registry process; the command picks the service or worker:
#   docker run IMAGE serve discovery | serve publishing | serve identity | serve domains
#   docker run IMAGE serve all | worker relay | worker domains | db init | import FILE
# Build: docker build -t mcp-registry .   (add --build-arg WITH_GITLAB=true for the GitLab plugin)

ARG PYTHON_VERSION=3.12

# --- builder: wheels for the registry and every dependency --------------------------------
FROM python:${PYTHON_VERSION}-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# The workspace: one distribution per top-level folder, all in the mcp_registry namespace.
COPY shared ./shared
COPY services ./services
COPY plugins ./plugins
COPY cli/registry ./cli/registry
# Every server part, each wheel built from its own folder as `./run` installs them (editable).
# The publisher CLI (cli/publisher) is for server authors and stays out of the server image.
RUN pip wheel --wheel-dir /wheels './shared[server]' ./services ./plugins ./cli/registry
ARG WITH_GITLAB=false
RUN if [ "$WITH_GITLAB" = "true" ]; then \
      pip wheel --no-deps --wheel-dir /wheels ./plugins/mcp-registry-gitlab; \
    fi

# --- runtime: Python, the installed wheels, nothing to build with -------------------------
FROM python:${PYTHON_VERSION}-slim AS runtime
ARG GIT_COMMIT=unknown
ARG BUILD_TIME=unknown
LABEL org.opencontainers.image.title="mcp-registry" \
      org.opencontainers.image.description="MCP Registry: discovery, publishing, identity, domains" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.revision="${GIT_COMMIT}"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/tmp \
    MCP_REGISTRY_SERVER_ADDRESS=0.0.0.0:8080 \
    MCP_REGISTRY_DATA_DIR=/var/lib/mcp-registry \
    MCP_REGISTRY_GIT_COMMIT=${GIT_COMMIT} \
    MCP_REGISTRY_BUILD_TIME=${BUILD_TIME}
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels /wheels/*.whl \
    && pip uninstall --yes pip \
    && useradd --system --uid 10001 --gid 0 --no-create-home --home-dir /tmp registry \
    && mkdir -p /var/lib/mcp-registry/keys \
    && chown -R 10001:0 /var/lib/mcp-registry \
    && chmod -R g=u /var/lib/mcp-registry
# Writable at run time: /var/lib/mcp-registry (data dir, signing keys) and /tmp (gunicorn's
# heartbeat files). Everything else can be mounted read-only.
VOLUME ["/var/lib/mcp-registry"]
USER 10001:0
WORKDIR /tmp
EXPOSE 8080
ENTRYPOINT ["mcp-registry"]
CMD ["serve", "all"]
