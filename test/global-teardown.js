// Stops the local Kafka only if the global setup started it. KAFKA_BROKERS is dropped from the
// child's environment: the setup exported it for the tests, and with it set `kafka stop`
// (rightly) refuses to stop a cluster it does not own.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalTeardown() {
  if (!globalThis.__HERALD_STARTED_KAFKA__) return;
  const env = { ...process.env };
  delete env.KAFKA_BROKERS;
  spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'herald.js'), 'kafka', 'stop'], {
    stdio: 'inherit',
    env,
  });
};
