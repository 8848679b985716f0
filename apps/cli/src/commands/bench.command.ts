import type { Command } from 'commander';
import { type BenchReport, runBench } from '../bench/bench-runner';
import { Activity, interactive } from '../shared/activity';
import { CliError } from '../shared/cli-error';
import { addGatewayOptions, addJsonOption, type GatewayOptions, type JsonOption } from '../shared/endpoints';
import type { GatewaySession } from '../shared/gateway-session';
import { collect, duration, nonNegativeInt, positiveInt } from '../shared/option-parsers';
import { printJson, renderTable } from '../shared/output';
import { buildToolArguments } from '../tools/tool-arguments';

interface BenchOptions extends GatewayOptions, JsonOption {
  calls: number;
  concurrency: number;
  tool: string;
  arg?: string[];
  jsonArgs?: string;
  target?: string;
  warmup: number;
  timeout: number;
}

/** `pimcp bench`: latency percentiles and throughput of one tool through the gateway. */
export function registerBenchCommand(program: Command): void {
  addJsonOption(addGatewayOptions(program.command('bench')
    .description('measure tool-call latency (p50/p90/p99) and throughput through the gateway')
    .option('--calls <n>', 'measured calls in all', positiveInt(1_000_000), 500)
    .option('--concurrency <c>', 'clients calling at once, one MCP session each', positiveInt(256), 8)
    .option('--tool <name>', 'the tool to call', 'system.info')
    .option('--arg <key=value>', 'an argument of the tool; repeat for more', collect)
    .option('--json-args <object>', 'the tool\'s arguments as one JSON object')
    .option('--target <selector>', 'route to matching nodes: a node id or labels such as tier=edge')
    .option('--warmup <n>', 'unmeasured calls per client first', nonNegativeInt, 10)
    .option('--timeout <duration>', 'a call that takes longer counts as failed', duration, 30)
    .addHelpText('after', '\nExit code 1 when any call failed (the figures are printed all the same).')))
    .action(async (options: BenchOptions) => {
      const { findTool, openGatewaySession } = await import('../shared/gateway-session');
      const { gatewayError } = await import('../shared/gateway-errors');
      const sessions: GatewaySession[] = [];
      let report: BenchReport;
      try {
        for (let i = 0; i < options.concurrency; i++) sessions.push(await openGatewaySession(options));
        const first = sessions[0] as GatewaySession;
        const tool = await findTool(first, options.tool).catch((error: unknown) => { throw gatewayError(first.url, error); });
        const args = buildToolArguments(tool.inputSchema, options.arg ?? [], options.jsonArgs);
        const activity = new Activity(`benchmarking ${options.tool}`, interactive(options.json), 0);
        activity.update(0, options.calls);
        try {
          report = await runBench(sessions.map((s) => s.client), {
            tool: options.tool, arguments: args, calls: options.calls, warmup: options.warmup, timeoutMs: options.timeout * 1000,
            ...(options.target ? { meta: { 'io.pimcp/target': options.target } } : {}),
          }, (done) => activity.update(done, options.calls));
        } finally {
          activity.stop();
        }
      } finally {
        await Promise.all(sessions.map((s) => s.close()));
      }
      if (options.json) printJson(report);
      else process.stdout.write(formatReport(report));
      if (report.failed > 0) throw CliError.failure(`${report.failed} of ${report.calls} calls failed; the first: ${report.firstError ?? 'unknown'}`);
    });
}

export function formatReport(report: BenchReport): string {
  const ms = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(2));
  const l = report.latencyMs;
  return `${report.tool}: ${report.succeeded} of ${report.calls} calls succeeded with ${report.concurrency} concurrent clients in ${(report.durationMs / 1000).toFixed(2)} s\n` +
    `${renderTable(['', 'min', 'mean', 'p50', 'p90', 'p99', 'max'], [['latency ms', ms(l?.min), ms(l?.mean), ms(l?.p50), ms(l?.p90), ms(l?.p99), ms(l?.max)]])}\n` +
    `throughput: ${report.callsPerSecond.toFixed(1)} calls/s\n`;
}
