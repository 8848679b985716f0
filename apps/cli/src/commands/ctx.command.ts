import { InvalidArgumentError, type Command } from 'commander';
import { ContextToolsClient } from '../ctx/context-tools.client';
import { interactive, withSpinner } from '../shared/activity';
import { CliError } from '../shared/cli-error';
import { addGatewayOptions, addJsonOption, type GatewayOptions, type JsonOption } from '../shared/endpoints';
import { duration, nonNegativeInt, positiveInt } from '../shared/option-parsers';
import { compactJson, printJson, printTable } from '../shared/output';

type CtxOptions = GatewayOptions & JsonOption;

/** `pimcp ctx get|put|watch`: the shared context, through the gateway's context tools and resource subscriptions. */
export function registerCtxCommand(program: Command): void {
  const ctx = program.command('ctx').description('read, write and watch the shared context every node and client sees');

  addJsonOption(addGatewayOptions(ctx.command('get')
    .description('print one key\'s value as JSON, or every key of the context as a table')
    .argument('<context>', 'the context id, e.g. demo')
    .argument('[key]', 'one key; without it, all keys')))
    .action(async (context: string, key: string | undefined, options: CtxOptions) => {
      const { withGateway } = await import('../shared/gateway-session');
      await withSpinner('reading the context', interactive(options.json), () => withGateway(options, async ({ client }) => {
        const contexts = new ContextToolsClient(client);
        if (key !== undefined) {
          const found = await contexts.get(context, key);
          if (!found.found) throw CliError.failure(`context "${context}" has no key "${key}"; \`pimcp ctx get ${context}\` lists its keys`);
          return options.json ? printJson(found) : process.stdout.write(`${JSON.stringify(found.value, null, 2)}\n`);
        }
        const all = await contexts.list(context);
        if (options.json) return printJson({ context, ...all });
        printTable(['KEY', 'REVISION', 'VALUE'], all.entries.map((e) => [e.key, e.revision, compactJson(e.value)]), `context "${context}" is empty`);
      }));
    });

  addJsonOption(addGatewayOptions(ctx.command('put')
    .description('write one key; with --if-revision only if the key is still at that revision (0: only if absent)')
    .argument('<context>', 'the context id, e.g. demo')
    .argument('<key>', 'the key')
    .argument('<json>', 'the value as JSON: \'{"step":1}\', 42, true, \'"text"\'', parseJsonValue)
    .option('--if-revision <n>', 'compare-and-set: fail (exit 1) unless the key\'s revision is n', nonNegativeInt)
    .option('--ttl <duration>', 'forget the key after this long (90s, 15m, 12h)', duration)))
    .action(async (context: string, key: string, value: unknown, options: CtxOptions & { ifRevision?: number; ttl?: number }) => {
      const { withGateway } = await import('../shared/gateway-session');
      const written = await withGateway(options, ({ client }) => new ContextToolsClient(client).put(context, key, value, {
        ...(options.ifRevision !== undefined ? { expectedRevision: options.ifRevision } : {}),
        ...(options.ttl !== undefined ? { ttlSeconds: Math.ceil(options.ttl) } : {}),
      }));
      if (options.json) return printJson(written);
      process.stdout.write(`wrote ${context}/${key} (revision ${written.revision})\n`);
    });

  addJsonOption(addGatewayOptions(ctx.command('watch')
    .description('print every change to a context as it happens, until Ctrl-C (or --count changes)')
    .argument('<context>', 'the context id, e.g. demo')
    .option('--count <n>', 'stop after n changes', positiveInt(1_000_000))))
    .action(async (context: string, options: CtxOptions & { count?: number }) => {
      const { watchContext } = await import('../ctx/watch-context');
      await watchContext({ ...options, context });
    });
}

function parseJsonValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidArgumentError(`the value must be JSON: quote text for the shell and for JSON, as '"${text.replace(/'/g, '')}"'; objects as '{"step":1}'`);
  }
}
