// Jest global setup: integration and e2e tests need a real Kafka. Reuse KAFKA_BROKERS or a
// broker already answering on 127.0.0.1:9092; otherwise start the project's local Kafka
// through the built CLI (what a user runs) and remember to stop it in the teardown.
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
