#!/usr/bin/env node
// The `herald` command: runs the compiled CLI (npm run build writes dist/).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(
    'herald: the CLI is not built yet; run `npm run build` in the Herald checkout first.\n',
  );
  process.exit(2);
}
require(main);
