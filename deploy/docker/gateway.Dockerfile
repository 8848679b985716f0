# syntax=docker/dockerfile:1.7
# The gateway image (MCP front door). Build context: the repository root, e.g.
#   docker buildx build -f deploy/docker/gateway.Dockerfile -t pimcp/gateway:dev .
# gateway.Dockerfile.dockerignore (next to this file) keeps node_modules, dist and .pimcp out of the context.

# The build stage runs on the builder's own platform: webpack output and the production node_modules are
# pure JavaScript (no native addons in the pruned lockfile), so they are the same for every target.
FROM --platform=$BUILDPLATFORM node:24-slim AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --no-audit --no-fund
COPY . .
RUN npx nx run gateway:build --outputStyle=static --skip-nx-cache
# webpack leaves node_modules external and writes the app's own package.json and pruned lockfile next to
# main.js; installing from that lockfile gives exactly the runtime dependencies of this bundle.
# --ignore-scripts: the only install script in it (protobufjs) is a version check, not a build step.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    cd dist/apps/gateway && npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# No RUN below: the runtime stage only copies, so a foreign TARGETPLATFORM needs no emulation.
FROM --platform=$TARGETPLATFORM node:24-slim AS runtime
ENV NODE_ENV=production \
    PIMCP_GATEWAY_HOST=0.0.0.0 \
    PIMCP_GATEWAY_PORT=8080 \
    PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE=/etc/pimcp/auth/jwt-public-key.pem
WORKDIR /app
# Owned by root and not writable by the app user: the container runs with a read-only root filesystem.
COPY --from=build /src/dist/apps/gateway /app
USER 10001:10001
EXPOSE 8080
# node:24-slim has no curl; Node's fetch does the probe. The port follows PIMCP_GATEWAY_PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PIMCP_GATEWAY_PORT || 8080) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "main.js"]
