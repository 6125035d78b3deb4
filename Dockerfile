# syntax=docker/dockerfile:1
# Herald container image: build with the full toolchain, run with production dependencies only,
# as the unprivileged `node` user. `docker run -p 6001:6001 herald` serves the dev app;
# flags after the image name go to `herald start` (e.g. `--config /etc/herald.json`).

# --- build stage: compile both workspaces ---
FROM node:20-alpine AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json ./
COPY packages/sdk/package.json packages/sdk/
COPY packages/server/package.json packages/server/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY packages/sdk packages/sdk
COPY packages/server packages/server
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime stage ---
FROM node:20-alpine
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /src/package.json ./
COPY --from=build --chown=node:node /src/node_modules ./node_modules
COPY --from=build --chown=node:node /src/packages/sdk/package.json ./packages/sdk/
COPY --from=build --chown=node:node /src/packages/sdk/dist ./packages/sdk/dist
COPY --from=build --chown=node:node /src/packages/server/package.json ./packages/server/
COPY --from=build --chown=node:node /src/packages/server/dist ./packages/server/dist
COPY --from=build --chown=node:node /src/packages/server/bin ./packages/server/bin
USER node
EXPOSE 6001
# Alive check on /health (plain HTTP; with --tls-cert use an external check or a plain --api-port).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.HERALD_API_PORT || process.env.HERALD_PORT || 6001) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# exec form: node runs as PID 1 and receives SIGTERM itself (graceful stop, exit 0).
ENTRYPOINT ["node", "/app/packages/server/bin/herald.js", "start"]
