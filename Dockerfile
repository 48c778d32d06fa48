# syntax=docker/dockerfile:1.7
# One image for all five services; the command picks the service:
#   node build/services/<name>/main.js
# Built by `make images` (pinned base image from tools/cluster/versions.env).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# Production dependencies only, without install scripts (none of the runtime packages needs one).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Compile the TypeScript sources to JavaScript with tsc (relative imports rewritten to .js).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY catalog ./catalog
COPY services ./services
# (The blank line after the heredoc is for hadolint, whose parser needs one: hadolint#960.)
COPY <<'JSON' tsconfig.image.json
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "noEmit": false, "outDir": "build", "rootDir": ".", "sourceMap": true },
  "include": ["catalog", "services"],
  "exclude": ["**/*.test.ts", "**/*.bench.ts"]
}
JSON

# Runtime assets next to the compiled code: SQL migrations and data files the services read.
RUN node node_modules/typescript/bin/tsc -p tsconfig.image.json \
 && find services -type f \( -name '*.sql' -o -name '*.json' \) -exec cp --parents {} build/ \;

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY package.json ./
# A uid/gid above 10000 that no user of the base image (or of a node) has; the files above are
# root's and world-readable (make image-check verifies), the charts run the pods as this uid with a
# read-only root fs.
USER 10100:10100
EXPOSE 8080
CMD ["node", "build/services/petstore/main.js"]
