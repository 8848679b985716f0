// Preloaded into the edge node by boot-dependencies.e2e-spec.ts (NODE_OPTIONS=--require): on SIGUSR2 it writes the
// npm packages the process has loaded so far (from require.cache) to PIMCP_LOADED_PACKAGES_OUT, one per line, then
// `Intl.DateTimeFormat built: <n>`: how many real date formatters were built (each maps ICU's date data).
const { writeFileSync } = require('node:fs');

const RealDateTimeFormat = Intl.DateTimeFormat;
let dateFormattersBuilt = 0;
function CountingDateTimeFormat(locales, options) {
  dateFormattersBuilt++;
  return new RealDateTimeFormat(locales, options);
}
CountingDateTimeFormat.prototype = RealDateTimeFormat.prototype;
CountingDateTimeFormat.supportedLocalesOf = RealDateTimeFormat.supportedLocalesOf;
Intl.DateTimeFormat = CountingDateTimeFormat;

process.on('SIGUSR2', () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const name = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    if (name) packages.add(name);
  }
  writeFileSync(process.env.PIMCP_LOADED_PACKAGES_OUT, [...[...packages].sort(), `Intl.DateTimeFormat built: ${dateFormattersBuilt}`].join('\n'));
});
