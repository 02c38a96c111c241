# syntax=docker/dockerfile:1.7
# ovh-fleet container image. Build: docker build -t ovh-fleet .
# Run:   see docs/operations.md (configuration and credentials are mounted, never baked in).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
# util-linux (essential in Debian, named to be explicit) provides flock(1): the state directory lock.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates tini util-linux \
 && rm -rf /var/lib/apt/lists/*
# MALLOC_ARENA_MAX and --optimize-for-size: the daemon's memory settings (docs/operations.md#memory),
# the same as the systemd unit's.
ENV NODE_ENV=production \
    LC_ALL=C.UTF-8 \
    MALLOC_ARENA_MAX=2 \
    OVH_FLEET_STATE_DIR=/var/lib/ovh-fleet
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schemas ./schemas
# The dashboard's static files (plain ES modules and CSS, served at /ui/*: docs/dashboard.md).
COPY ui ./ui
RUN mkdir -p /var/lib/ovh-fleet /etc/ovh-fleet && chown node:node /var/lib/ovh-fleet
USER node
VOLUME ["/var/lib/ovh-fleet"]
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--optimize-for-size", "--enable-source-maps", "/app/dist/cli/main.js"]
CMD ["daemon", "--config", "/etc/ovh-fleet/config.yaml"]
