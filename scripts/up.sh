#!/usr/bin/env bash
# `npm run up`: the whole platform on this machine. Installs dependencies if missing,
# builds, then `herald up` starts Kafka (unless KAFKA_BROKERS is set) and every app in the
# foreground; Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run -s build
exec node bin/herald.js up "$@"
