#!/usr/bin/env node
// Entry point: runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs).
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist')) throw e;
  process.stderr.write('wattshift is not built: run `npm run build` (or `npm ci`, which builds it) in the package folder.\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv);
