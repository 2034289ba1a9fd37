# One image for every service; docker-compose.yml picks which one runs with `command`.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native addon here: prebuilt binaries cannot be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Skip prebuild-install's download attempt, and let node-gyp use the image's own Node
# headers (/usr/local/include/node) instead of fetching them.
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
# Dependencies first so that a source change does not reinstall (and recompile) them.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY lib ./lib
COPY services ./services
COPY gateway ./gateway
COPY scripts ./scripts
COPY demo ./demo
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && mkdir /sdl && cp --parents services/*/schema.graphql /sdl/

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
# Files stay root-owned (read-only to the app); only DATA_DIR, for SQLite, is writable.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schema ./schema
# Each subgraph's SDL, in its domain's folder (services/<name>/schema.graphql), without the sources.
COPY --from=build /sdl/services ./services
COPY reference ./reference
COPY operations ./operations
# The dashboard's page script and style, served as they are (not compiled into dist).
COPY gateway/dashboard/client ./gateway/dashboard/client
RUN mkdir -p data && chown node:node data
USER node
# BEGIN generated from services/registry.ts (npm run generate)
EXPOSE 4000 4001 4002 4003 4004 4005 4006 4007 4008
# END generated
CMD ["node", "dist/gateway/index.js"]
