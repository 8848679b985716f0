import type Redis from 'ioredis';
import type { RedisOptions as IoRedisOptions } from 'ioredis';
import type { RedisOptions } from '@nestjs/microservices';

type RedisConnectionOptions = Required<RedisOptions>['options'];

/**
 * Subscribes to the node's link channels once on a short-lived connection, before Nest's ServerRedis does: the
 * server subscribes without handling the reply, so an ACL user that may not use these channels would surface only
 * as an unhandled NOPERM rejection, with the node up and unreachable. Here it fails the start and says which
 * grant is missing. Connection failures are left to the server, which reports them itself.
 */
export async function checkSubscribePermission(options: RedisConnectionOptions, channels: readonly string[]): Promise<void> {
  // ioredis comes with @nestjs/microservices' Redis transport; loaded only by nodes that use the broker link.
  const { default: RedisClient } = require('ioredis') as { default: typeof Redis };
  const probe = new RedisClient({ ...(options as IoRedisOptions), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.subscribe(...channels);
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    if (!/NOPERM/i.test(message)) return;
    const user = options.username ?? 'default';
    throw new Error(`the Redis user "${user}" may not subscribe to this node's link channels (${channels.join(', ')}): `
      + `grant them and their replies, e.g. ACL SETUSER ${user} resetchannels ${grantsFor(channels).join(' ')} +@pubsub (docs/security/tls.md)`);
  } finally {
    probe.disconnect();
  }
}

// `node.invoke/pi-1` gives `&node.*` + `/pi-1` and its `.reply`: one pattern per node covers every link pattern; answers go to `.reply`.
function grantsFor(channels: readonly string[]): string[] {
  const grants = channels.flatMap((channel) => {
    const slash = channel.indexOf('/');
    const grant = slash < 0 ? `&${channel}` : `&node.*${channel.slice(slash)}`;
    return [grant, `${grant}.reply`];
  });
  return [...new Set(grants)];
}
