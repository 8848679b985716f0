# syntax=docker/dockerfile:1.7
# The edge-node image (tool host on arm64 boards and cloud machines), multi-arch. Build context: the repository root:
#   docker buildx build --platform linux/amd64,linux/arm64 -f deploy/docker/edge-node.Dockerfile \
#     -t registry.example.com/pimcp/edge-node:0.1.0 --push .
# edge-node.Dockerfile.dockerignore (next to this file) keeps node_modules, dist and .pimcp out of the context.

# The build stage runs once, natively, on the builder's platform (BUILDPLATFORM) whatever the targets are:
# the edge node has pure JavaScript dependencies only (docs/architecture.md), so the webpack bundle and the
# production node_modules built here are the same bytes for amd64 and arm64.
FROM --platform=$BUILDPLATFORM node:24-slim AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --no-audit --no-fund
COPY . .
RUN npx nx run edge-node:build --outputStyle=static --skip-nx-cache
# Runtime dependencies from the pruned lockfile webpack writes next to main.js: what the node loads at boot is in the
# bundle (ADR 0023), the rest (SDKs a plugin or setting needs) loads from here.
# --ignore-scripts also guarantees nothing platform-specific is compiled here for the wrong target.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    cd dist/apps/edge-node && npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# The context journal's directory, owned by the app user; copied as an entry below so it keeps that owner
# (a new Docker volume mounted there starts with the same owner).
RUN install -d -o 10001 -g 10001 -m 0750 /state/pimcp

# One runtime stage per target platform (TARGETPLATFORM): node:24-slim for that architecture plus the copied
# bundle. No RUN here, so building the arm64 variant on an amd64 machine needs no QEMU emulation.
FROM --platform=$TARGETPLATFORM node:24-slim AS runtime
# NODE_OPTIONS: a 1 MiB young generation saves about 20 MiB of the idle node's RSS (V8 commits a 32 MiB new space
# otherwise); with it the idle node stays under its 80 MB budget (docs/benchmarks.md, "Edge node idle memory";
# ADRs 0018 and 0023).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=1 \
    PIMCP_NODE_LINK_HOST=0.0.0.0 \
    PIMCP_NODE_LINK_PORT=7600 \
    PIMCP_NODE_CONTEXT_JOURNAL=/var/lib/pimcp/context-journal.jsonl
WORKDIR /app
COPY --from=build /src/dist/apps/edge-node /app
COPY --from=build --chown=10001:10001 /state/ /var/lib/
# The only place the node writes (the offline context journal, fsync'd); the root filesystem can be read-only.
VOLUME ["/var/lib/pimcp"]
USER 10001:10001
# The node link the gateway dials (PIMCP_NODE_LINK_TRANSPORT=tcp). Nodes linked through Redis listen on nothing.
EXPOSE 7600
# The edge node has no HTTP health endpoint yet: check that the TCP link accepts connections. With the Redis
# link there is no listener to check, so the check passes and only the process's own exit signals failure.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "if (process.env.PIMCP_NODE_LINK_TRANSPORT === 'redis') process.exit(0); require('node:net').connect(Number(process.env.PIMCP_NODE_LINK_PORT || 7600), '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"]
# No --enable-source-maps: loading the maps (6 MB, the bundle holds its npm packages) costs RSS on every board
# (docs/benchmarks.md); set NODE_OPTIONS="--max-semi-space-size=1 --enable-source-maps" while debugging.
CMD ["node", "main.js"]
