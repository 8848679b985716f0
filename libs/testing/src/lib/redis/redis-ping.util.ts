import { connect } from 'node:net';

const PROBE_TIMEOUT_MS = 1_000;

/**
 * PING over a raw socket, AUTH first when a password is set. Resolves false on
 * any reply but PONG, e.g. -LOADING while Redis replays its AOF.
 */
export function redisPing(port: number, password?: string): Promise<boolean> {
  const commands = password ? [command('AUTH', password), command('PING')] : [command('PING')];
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(PROBE_TIMEOUT_MS, () => socket.destroy(new Error(`Redis PING on port ${port} timed out`)));
    socket.once('connect', () => socket.write(commands.join('')));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      const lines = reply.split('\r\n').filter(Boolean);
      if (lines.length < commands.length) return;
      socket.destroy();
      resolve(lines[commands.length - 1] === '+PONG' && lines.every((line) => !line.startsWith('-')));
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(false));
  });
}

function command(...parts: string[]): string {
  return `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`;
}
