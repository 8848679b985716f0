/** The context-sync process. Its service is built in issue 5; until then it refuses to start rather than pretend. */
console.error('pimcp context-sync: not built yet (see issue 5 and docs/architecture.md); run `npm start` for what exists today');
process.exit(1);
