// Jest global setup: marks the run as a test run (HERALD_REFUSE_DEFAULT_GROUPS). Integration
// and e2e tests need a real Kafka: reuse KAFKA_BROKERS or a broker already answering on
// 127.0.0.1:9092; otherwise start the project's local Kafka through the built CLI (what a user
// runs) and remember to stop it in the teardown.
const { spawnSync } = require('node:child_process');
const { createConnection } = require('node:net');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');

function answers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

module.exports = async function globalSetup(globalConfig) {
  // Every tier: an app a test boots (spawned, which inherits it, or in-process) refuses to start
  // in a production consumer group (`audit`, the registry's `_schemas` election): the broker may
  // be shared with a running platform, whose offsets a test must never move (libs/config).
  process.env.HERALD_REFUSE_DEFAULT_GROUPS = '1';
  const selected = globalConfig.selectProjects;
  if (selected && selected.length > 0 && !selected.some((p) => p === 'integration' || p === 'e2e')) return;
  if (process.env.KAFKA_BROKERS) return;
  if (await answers(9092)) {
    process.env.KAFKA_BROKERS = '127.0.0.1:9092';
    return;
  }
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'herald.js'), 'kafka', 'start'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`could not start the local Kafka (exit ${result.status})`);
  process.env.KAFKA_BROKERS = '127.0.0.1:9092';
  globalThis.__HERALD_STARTED_KAFKA__ = true;
};
