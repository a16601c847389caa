# One image for every service; the command picks the service (see docker-compose.yml and k8s/).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Applied by postinstall (patch-package): see patches/README.md.
COPY patches patches
COPY libs libs
COPY services services
COPY tools tools
# chDB (embedded warehouse) is only for local runs; production points CLICKHOUSE_URL at a server.
RUN npm install --omit=dev --omit=optional --no-audit --no-fund && npm install --no-save tsx && npm cache clean --force
USER node
EXPOSE 8080 9464
ENTRYPOINT ["npx", "tsx"]
CMD ["services/producer-bridge/src/main.ts"]
