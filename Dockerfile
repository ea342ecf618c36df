# Kanal: one Bun process serving the app. Postgres comes from DATABASE_URL (see docker-compose.yml);
# without it the embedded PGlite database lives in /data.
ARG BUN_IMAGE=oven/bun:1.4-slim

FROM ${BUN_IMAGE} AS deps
WORKDIR /app
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production

FROM ${BUN_IMAGE}
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data \
    STORAGE_DIR=/data/uploads
COPY --from=deps /app/node_modules ./node_modules
# tsconfig.json carries the @db/@src/@views import paths Bun resolves at run time; db/ holds the
# drizzle migrations (db/migrations) the app applies at start-up under an advisory lock.
COPY package.json bun.lock tsconfig.json ./
COPY db ./db
COPY src ./src
COPY views ./views
# db/seed.ts takes the demo channels' ids from the fake Graph API (DEMO_SEED=1).
COPY fakes ./fakes
COPY static ./static
# The image's `bun` user (uid 1000) owns only the data directory; the code stays read-only to it.
RUN mkdir -p /data/uploads && chown -R bun:bun /data
USER bun
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["bun", "src/server.ts"]
