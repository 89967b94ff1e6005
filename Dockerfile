# syntax=docker/dockerfile:1
# draftpilot: build with the dev dependencies, run with production dependencies only, as the non-root `node` user.

# ---- build: TypeScript -> dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# dist/ holds the compiled src/ and webhooks/; config/default.yaml is read at start (CONFIG_FILE).
# The webhook fixtures are not needed at runtime.
COPY --from=build /app/dist ./dist
COPY config ./config
# The Zendesk sidebar's script and style, served at /apps/zendesk/static/ (read relative to the working directory).
COPY apps/zendesk/sidebar ./apps/zendesk/sidebar
# PGlite files live here in embedded mode (no DATABASE_URL); the application files stay read-only.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# No curl in slim images: Node's fetch probes /healthz (the process is alive; /readyz also checks store and queue).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Not `npm start`: its prestart step runs the TypeScript build, which needs the dev dependencies.
# Node is PID 1 and handles SIGTERM itself (graceful shutdown, see README.md).
CMD ["node", "dist/src/main.js"]
