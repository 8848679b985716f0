# syntax=docker/dockerfile:1.7
# The context-sync image (shared contexts in Redis; the elected leader compacts). Build context: the repository root:
#   docker buildx build -f deploy/docker/context-sync.Dockerfile -t pimcp/context-sync:dev .
# context-sync.Dockerfile.dockerignore (next to this file) keeps node_modules, dist and .pimcp out of the context.

# Built on the builder's own platform: the bundle and its production node_modules are pure JavaScript.
FROM --platform=$BUILDPLATFORM node:24-slim AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --no-audit --no-fund
COPY . .
RUN npx nx run context-sync:build --outputStyle=static --skip-nx-cache
# Runtime dependencies from the pruned lockfile webpack writes next to main.js (node_modules stay external).
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    cd dist/apps/context-sync && npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# No RUN below: the runtime stage only copies, so a foreign TARGETPLATFORM needs no emulation.
FROM --platform=$TARGETPLATFORM node:24-slim AS runtime
ENV NODE_ENV=production \
    PIMCP_CONTEXT_SYNC_HTTP_HOST=0.0.0.0 \
    PIMCP_CONTEXT_SYNC_HTTP_PORT=8084
WORKDIR /app
COPY --from=build /src/dist/apps/context-sync /app
USER 10001:10001
# Stats (/v1/stats, /v1/leader) and health.
EXPOSE 8084
# Ready means the context store (Redis) answers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PIMCP_CONTEXT_SYNC_HTTP_PORT || 8084) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "main.js"]
