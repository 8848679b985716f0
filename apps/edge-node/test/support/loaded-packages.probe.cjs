// Preloaded into the edge node by boot-dependencies.e2e-spec.ts (NODE_OPTIONS=--require): on SIGUSR2 it writes the
// npm packages the process has loaded so far (from require.cache) to PIMCP_LOADED_PACKAGES_OUT, one per line.
const { writeFileSync } = require('node:fs');

process.on('SIGUSR2', () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const name = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    if (name) packages.add(name);
  }
  writeFileSync(process.env.PIMCP_LOADED_PACKAGES_OUT, [...packages].sort().join('\n'));
});
