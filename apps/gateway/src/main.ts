/** The gateway process. Its service is built in issue 3; until then it refuses to start rather than pretend. */
console.error('pimcp gateway: not built yet (see issue 3 and docs/architecture.md); run `npm start` for what exists today');
process.exit(1);
