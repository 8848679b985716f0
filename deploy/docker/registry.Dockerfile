# syntax=docker/dockerfile:1.7
# The registry image (node admission, capability leases in etcd, admin API). Build context: the repository root:
#   docker buildx build -f deploy/docker/registry.Dockerfile -t pimcp/registry:dev .
# registry.Dockerfile.dockerignore (next to this file) keeps node_modules, dist and .pimcp out of the context.

# Built on the builder's own platform: the bundle and its production node_modules are pure JavaScript.
FROM --platform=$BUILDPLATFORM node:24-slim AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --no-audit --no-fund
COPY . .
RUN npx nx run registry:build --outputStyle=static --skip-nx-cache
# Runtime dependencies from the pruned lockfile webpack writes next to main.js (node_modules stay external).
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    cd dist/apps/registry && npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# No RUN below: the runtime stage only copies, so a foreign TARGETPLATFORM needs no emulation.
FROM --platform=$TARGETPLATFORM node:24-slim AS runtime
ENV NODE_ENV=production \
    PIMCP_REGISTRY_HTTP_HOST=0.0.0.0 \
    PIMCP_REGISTRY_HTTP_PORT=8081 \
    PIMCP_REGISTRY_LINK_HOST=0.0.0.0 \
    PIMCP_REGISTRY_LINK_PORT=8082
WORKDIR /app
COPY --from=build /src/dist/apps/registry /app
USER 10001:10001
# 8081: admin HTTP API and health; 8082: the node link nodes join and heartbeat over.
EXPOSE 8081 8082
# Ready means the store answers (etcd reachable), which is what dependants wait for.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PIMCP_REGISTRY_HTTP_PORT || 8081) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "main.js"]
