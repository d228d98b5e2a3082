#!/usr/bin/env node
// The one way into sla-bridge: runs the compiled CLI (built by `npm ci` / `npm run build`).
try {
  await import('../dist/src/cli/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli/main.js')) {
    console.error('sla-bridge: not built yet; run `npm ci` or `npm run build` in the sla-bridge directory first');
    process.exit(1);
  }
  throw error;
}
