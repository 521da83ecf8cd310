# WRSAuth verification server as a container image, built from this checkout with `npm run build:server`
# (docs/deploy-server.md, "A container image"). Run it with a read-only root filesystem, a tmpfs for /tmp and
# the data dir on a volume; every secret (WRSAUTH_SECRET, provider passwords) comes from the environment at
# `docker run`, never from this file:
#   docker build -t wrsauth-server:0.1.0 .
#   docker run -d --name wrsauth --read-only --tmpfs /tmp -v wrsauth-data:/var/lib/wrsauth \
#     --env-file /etc/wrsauth/server.env -p 127.0.0.1:4580:4580 wrsauth-server:0.1.0

# The build: the whole checkout's dependencies (esbuild, vite), then the bundle and its native modules,
# compiled here against the same Debian release and Node.js the runtime image has.
FROM node:24.22.3-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:server \
  && npm --prefix dist/server ci --omit=dev --no-audit --no-fund \
  && npm cache clean --force

# The runtime: the bundle, its web client and its two native modules; no npm install, no compiler, no source.
FROM node:24.22.3-bookworm-slim
ENV NODE_ENV=production \
    WRSAUTH_HOST=0.0.0.0 \
    WRSAUTH_PORT=4580 \
    WRSAUTH_DATA_DIR=/var/lib/wrsauth
# A user of its own, by number so orchestrators that demand a non-root uid (runAsNonRoot) can see it is one.
RUN groupadd --system --gid 10001 wrsauth \
  && useradd --system --uid 10001 --gid wrsauth --home-dir /var/lib/wrsauth --shell /usr/sbin/nologin wrsauth \
  && install -d -o wrsauth -g wrsauth -m 0700 /var/lib/wrsauth
# Owned by root: the server cannot change its own code.
COPY --from=build /src/dist/server /opt/wrsauth/server
WORKDIR /opt/wrsauth/server
USER 10001:10001
# The SQLite database and, on PostgreSQL, only the dev outbox: the one place the server writes.
VOLUME ["/var/lib/wrsauth"]
EXPOSE 4580
# /healthz answers 503 when the database does not answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.WRSAUTH_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/opt/wrsauth/server/main.mjs"]
CMD ["serve"]
