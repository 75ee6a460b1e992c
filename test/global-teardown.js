// Stops the local Kafka only if the global setup started it.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalTeardown() {
  if (!globalThis.__HERALD_STARTED_KAFKA__) return;
  spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'herald.js'), 'kafka', 'stop'], {
    stdio: 'inherit',
  });
};
