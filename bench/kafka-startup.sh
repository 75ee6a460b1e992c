#!/usr/bin/env bash
# Measures how long `herald kafka start` takes until the broker answers metadata: a cold start
# (fresh KRaft format) and a warm start (existing data), N runs each, single node and 3 nodes.
# Uses a throw-away HERALD_HOME (jars are shared from the normal cache) and needs ports
# 9092/9093 and 19092-39093 free. Writes docs/kafka-startup.md.
#   usage: bash bench/kafka-startup.sh [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
npm run -s build
export HERALD_HOME="$(mktemp -d)"
# Share the resolved jars so we measure the broker, not Maven.
mkdir -p "$HERALD_HOME" && ln -s "${HOME}/.cache/herald/jars" "$HERALD_HOME/jars" 2>/dev/null || true
unset KAFKA_BROKERS
trap 'node bin/herald.js kafka reset >/dev/null; node bin/herald.js kafka reset --nodes 3 >/dev/null; rm -rf "$HERALD_HOME"' EXIT

measure() { # nodes mode
  local start end
  [ "$2" = cold ] && node bin/herald.js kafka reset --nodes "$1" >/dev/null
  start=$(date +%s%N)
  node bin/herald.js kafka start --nodes "$1" >/dev/null
  end=$(date +%s%N)
  node bin/herald.js kafka stop --nodes "$1" >/dev/null
  awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e9 }'
}

rows=""
for nodes in 1 3; do
  for mode in cold warm; do
    [ "$mode" = warm ] && node bin/herald.js kafka start --nodes "$nodes" >/dev/null && node bin/herald.js kafka stop --nodes "$nodes" >/dev/null
    times=()
    for _ in $(seq "$RUNS"); do times+=("$(measure "$nodes" "$mode")"); done
    line="| $nodes | $mode | ${times[*]} |"
    echo "$line"
    rows+="$line"$'\n'
  done
done

cat > docs/kafka-startup.md <<DOC
# Local Kafka start-up time

Seconds from \`herald kafka start\` to the broker(s) answering metadata with every node registered
(Kafka 4.1.1, KRaft, combined broker+controller, -Xmx512m SerialGC; Node and the JVM on the same machine).
"cold" includes formatting a fresh KRaft cluster; "warm" restarts on existing data. Jars were already resolved;
the first ever start adds one Maven resolution (about 5 s with a warm ~/.m2, longer on a fresh machine).

Measured on $(date -u +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | sed -n 1p), with:
\`bash bench/kafka-startup.sh $RUNS\`

| nodes | start | seconds, each run |
|---|---|---|
${rows}
DOC
echo "wrote docs/kafka-startup.md"
