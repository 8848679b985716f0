import { spawn } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '../../../tools/scripts/conformance/compare-bridge.mjs');
/** Every server scenario of @modelcontextprotocol/conformance 0.1.16 (`--suite all`); the fixture server passes them all. */
const SCENARIO_COUNT = 32;

interface ParityRow { scenario: string; direct: string; bridged: string; same: boolean }

/** Runs compare-bridge.mjs (the suite against the fixture server, directly and bridged behind the gateway). */
async function compare(bridge: 'http' | 'stdio'): Promise<{ code: number | null; rows: ParityRow[]; output: string }> {
  let output = '';
  const run = spawn(process.execPath, [SCRIPT, '--bridge', bridge], { stdio: ['ignore', 'pipe', 'pipe'] });
  run.stdout.on('data', (d: Buffer) => (output += d.toString()));
  run.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
  const parity = /^parity: (.+)$/m.exec(output)?.[1];
  if (!parity) throw new Error(`compare-bridge printed no parity line (exit ${code}):\n${output}`);
  return { code, rows: (JSON.parse(parity) as { rows: ParityRow[] }).rows, output };
}

describe('A bridged MCP server gives the same conformance results through the gateway as directly (e2e)', () => {
  // ~10 s (http) and ~25 s (stdio) on an idle machine; generous for a loaded CI runner.
  jest.setTimeout(150_000);

  it.each(['http', 'stdio'] as const)('over %s: every scenario passes directly and passes the same way bridged', async (bridge) => {
    const { code, rows, output } = await compare(bridge);
    const differing = rows.filter((r) => !r.same).map((r) => `${r.scenario}: direct ${r.direct}, bridged ${r.bridged}`);
    expect({ differing, output: differing.length ? output : '' }).toEqual({ differing: [], output: '' });
    expect(code).toBe(0);
    expect(rows).toHaveLength(SCENARIO_COUNT);
    // Parity is not "both fail alike": the fixture server passes every scenario, so the bridged side does too.
    for (const row of rows) {
      expect({ scenario: row.scenario, direct: row.direct.startsWith('pass'), bridged: row.bridged.startsWith('pass') })
        .toEqual({ scenario: row.scenario, direct: true, bridged: true });
    }
    // The server→client relays are among them (the suite checks its client handler was really called).
    expect(rows.map((r) => r.scenario)).toEqual(expect.arrayContaining(['tools-call-sampling', 'tools-call-elicitation', 'elicitation-sep1330-enums']));
  });
});
