// Names what still holds the event loop once a jest run is over. On a 2-core CI machine jest runs the specs in
// its own process, so one leaked socket or timer would keep the run alive until CI's limit; forceExit (in
// jest.preset.js) ends the run anyway, and this report keeps such a leak visible instead of silent.
const SETTLE_MS = 300;
const IGNORED = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'ProcessWrap', 'SignalWrap']);

class LeftoverHandlesReporter {
  async onRunComplete() {
    // Closing sockets and clearing timers finish on the next turns of the loop; give them that time first.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const leftover = process.getActiveResourcesInfo().filter((name) => !IGNORED.has(name));
    if (leftover.length === 0) return;
    const counts = leftover.reduce((acc, name) => acc.set(name, (acc.get(name) ?? 0) + 1), new Map());
    const summary = [...counts].map(([name, n]) => `${n} x ${name}`).join(', ');
    process.stderr.write(`jest: still open ${SETTLE_MS} ms after the run, ended by forceExit: ${summary}\n`);
  }
}
module.exports = LeftoverHandlesReporter;
