import { CliError } from '../shared/cli-error';
import type { GatewayOptions, JsonOption } from '../shared/endpoints';
import { openGatewaySession } from '../shared/gateway-session';
import { gatewayError } from '../shared/gateway-errors';
import { type ContextChange, type ContextEntry, diffContext, formatChange } from './context-diff';
import { ContextToolsClient } from './context-tools.client';

export interface WatchOptions extends GatewayOptions, JsonOption {
  context: string;
  count?: number;
}

/**
 * Subscribes to `context://<id>` on a 2026-07-28 session (subscriptions/listen answers once the subscription
 * is live, so nothing written after "watching" is missed), and on each update re-reads the context and prints
 * what changed: a line per change, or one JSON object per line with --json. Ends on Ctrl-C or after --count.
 */
export async function watchContext(options: WatchOptions): Promise<void> {
  const session = await openGatewaySession(options, 'modern');
  const contexts = new ContextToolsClient(session.client);
  const uri = `context://${encodeURIComponent(options.context)}`;
  let seen: ContextEntry[] = [];
  let printed = 0;
  let finish!: (error?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => (finish = (error) => (error ? reject(error) : resolve())));

  // Notifications may come faster than reads: one read at a time, and one more if anything arrived meanwhile.
  let reading: Promise<void> | undefined;
  // Until the first read, changes are not yet comparable: remember that one came and look after that read.
  let ready = false;
  let pending = false;
  let again = false;
  const refresh = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = (async () => {
      do {
        again = false;
        const { entries } = await contexts.list(options.context);
        const changes = diffContext(seen, entries);
        seen = entries;
        for (const change of changes) {
          if (options.count !== undefined && printed >= options.count) break;
          print(options, change);
          printed++;
        }
        if (options.count !== undefined && printed >= options.count) return finish();
      } while (again);
    })().catch((error: unknown) => finish(gatewayError(session.url, error))).finally(() => (reading = undefined));
  };

  const stop = (): void => finish();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    session.client.setNotificationHandler('notifications/resources/updated', (notification) => {
      if (notification.params.uri !== uri) return;
      if (ready) refresh();
      else pending = true;
    });
    const subscription = await session.client.listen({ resourceSubscriptions: [uri] }).catch((error: unknown) => {
      throw gatewayError(session.url, error);
    });
    if (!subscription.honoredFilter.resourceSubscriptions?.includes(uri)) {
      throw CliError.failure(`the gateway did not accept a subscription to ${uri}`);
    }
    const initial = await contexts.list(options.context);
    seen = initial.entries;
    ready = true;
    process.stderr.write(`watching context "${options.context}" (revision ${initial.revision}, ${initial.entries.length} keys); Ctrl-C to stop\n`);
    if (pending) refresh();
    await done;
    await subscription.close().catch(() => undefined);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await session.close();
  }
}

function print(options: WatchOptions, change: ContextChange): void {
  process.stdout.write(options.json ? `${JSON.stringify({ context: options.context, ...change })}\n` : `${formatChange(options.context, change)}\n`);
}
