import { chmodSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from '../shared/cli-error';
import { addJsonOption, DEFAULT_GATEWAY_URL, type JsonOption, parseHttpUrl, resolveGatewayUrl } from '../shared/endpoints';
import { collect, duration } from '../shared/option-parsers';
import { printJson } from '../shared/output';
import { STATE_DIR } from '../shared/state-files';

const MAX_TTL_SECONDS = 365 * 86_400;

interface MintOptions extends JsonOption {
  sub: string;
  scope?: string[];
  ttl: number;
  aud?: URL;
  gateway?: URL;
  keyDir: string;
  out?: string;
}

/** `pimcp token mint`: development client tokens signed with the key `pimcp up` keeps in .pimcp/. */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('development client tokens');
  addJsonOption(token.command('mint')
    .description('sign a client token with the development key of `pimcp up` (for tests and scripts; production uses an identity provider)')
    .option('--sub <subject>', 'who the token speaks for (the caller nodes see)', 'dev')
    .option('--scope <scope>', 'a scope to grant; repeat, or separate with spaces or commas', collect)
    .option('--ttl <duration>', 'lifetime: 30 (seconds), 90s, 15m, 12h, 30d (at most 365d)', duration, 3600)
    .option('--aud <url>', 'the gateway URL the token is for (its audience; default: the gateway URL as --gateway resolves it)', parseHttpUrl)
    .option('--gateway <url>', `the gateway the token is for (default: $PIMCP_GATEWAY_URL, else the \`pimcp up\` running in this folder, else ${DEFAULT_GATEWAY_URL})`, parseHttpUrl)
    .option('--key-dir <dir>', 'folder holding dev-signing-key.pem', STATE_DIR)
    .option('--out <file>', 'write the token to this file (mode 0600) instead of printing it'))
    .addHelpText('after', '\nExample:\n  export PIMCP_TOKEN=$(pimcp token mint --sub ci --scope "tools:call" --ttl 15m)')
    .action(async (options: MintOptions) => {
      if (options.ttl > MAX_TTL_SECONDS) throw CliError.usage('--ttl is at most 365d');
      // Loaded here: the gateway library is heavy, and every other command would pay for it at start-up.
      const { DEV_ISSUER, DevCredentials } = await import('@pimcp/gateway-server');
      const credentials = DevCredentials.load(options.keyDir);
      if (!credentials) {
        throw CliError.failure(`no development signing key in ${options.keyDir}/: run \`pimcp up\` (npm start) in this folder once, or pass --key-dir`);
      }
      const audience = (options.aud ?? resolveGatewayUrl({ ...(options.gateway ? { gateway: options.gateway } : {}) })).href;
      const scopes = (options.scope ?? []).flatMap((s) => s.split(/[\s,]+/)).filter((s) => s.length > 0);
      const ttlSeconds = Math.ceil(options.ttl);
      const jwt = credentials.mintToken({ subject: options.sub, audience, ttlSeconds, ...(scopes.length ? { scopes } : {}) });
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000).toISOString();
      if (options.out) {
        writeFileSync(options.out, `${jwt}\n`, { mode: 0o600 });
        chmodSync(options.out, 0o600);
      }
      const described = { subject: options.sub, audience, issuer: DEV_ISSUER, scopes, expiresAt, ...(options.out ? { file: options.out } : { token: jwt }) };
      if (options.json) return printJson(described);
      if (options.out) process.stdout.write(`token for ${options.sub} (audience ${audience}, expires ${expiresAt}) written to ${options.out}\n`);
      else process.stdout.write(`${jwt}\n`);
    });
}
