# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --ignore-scripts
COPY src ./src
COPY connectors ./connectors
RUN npm run build

# Runtime stage: production dependencies, compiled code and the example config; runs as `node`.
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
USER node
# Mount your own config over /app/config. Until `serve` exists this checks it and exits.
ENTRYPOINT ["node", "/app/bin/sla-bridge.js"]
CMD ["validate", "--config", "/app/config"]
