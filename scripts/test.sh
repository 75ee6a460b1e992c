#!/usr/bin/env bash
# `npm test`: installs what the tests need (npm packages; the Kafka jars resolve on first
# broker start), builds, then runs every tier: unit, integration on a real Kafka and
# PostgreSQL, and end-to-end against the built apps. Extra arguments go to Jest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run -s build
# --forceExit: a leaked kafkajs socket must not hang CI for its whole time budget; Jest
# still prints which handles were open when a test leaks one.
exec npx jest --forceExit "$@"
