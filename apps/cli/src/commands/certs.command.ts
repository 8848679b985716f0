import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { NODE_ID_PATTERN } from '@pimcp/protocol';
import { DEFAULT_DEV_HOSTS, ensureDevCertificates, writeDevCertificates } from '@pimcp/tls';
import { CliError } from '../shared/cli-error';

export const DEV_CERTS_DIR = '.pimcp/certs';

interface CertsAddOptions {
  out: string;
  nodes: string[];
  hosts: string[];
  days: number;
}

interface CertsInitOptions {
  out: string;
  nodes: string[];
  hosts: string[];
  days: number;
  force?: boolean;
}

/** `pimcp certs init`: a development CA and a certificate for every service and node (docs/security/tls.md). */
export function registerCertsCommand(program: Command): void {
  const certs = program.command('certs').description('development certificates for TLS/mTLS between PiMCP services and nodes');
  certs
    .command('init')
    .description('create a development CA (ECDSA P-256) and certificates for gateway, registry, context-sync and each node')
    .option('--out <dir>', 'directory to write ca.crt, ca.key and <name>.crt/.key into', DEV_CERTS_DIR)
    .option('--nodes <ids>', 'comma-separated node ids; each node certificate carries URI SAN spiffe://pimcp/node/<id>', parseNodeIds, [])
    .option('--hosts <names>', 'comma-separated DNS names and IPs the certificates are valid for', parseList, ['localhost', '127.0.0.1', '::1'])
    .option('--days <n>', 'validity of the service and node certificates in days (the CA: twice that)', parseDays, 365)
    .option('--force', 'replace an existing certificate set (peers holding the old CA stop trusting the new one)')
    .action(async (options: CertsInitOptions) => {
      const written = await writeDevCertificates({
        dir: options.out, nodeIds: options.nodes, hosts: options.hosts, days: options.days, ...(options.force ? { force: true } : {}),
      });
      const names = Object.keys(written.files);
      process.stdout.write(`wrote a development CA and ${names.length} certificates (${names.join(', ')}) to ${written.dir}\n`);
      process.stdout.write(`set PIMCP_TLS_CA_FILE=${written.caFile} and each process's PIMCP_TLS_CERT_FILE/PIMCP_TLS_KEY_FILE (docs/security/tls.md)\n`);
    });
  certs
    .command('add')
    .description('issue certificates for more nodes from the existing development CA, e.g. a node started next to `pimcp up --tls` (existing files are kept)')
    .requiredOption('--nodes <ids>', 'comma-separated node ids', parseNodeIds)
    .option('--out <dir>', 'the directory of `pimcp certs init` (or `pimcp up --tls`)', DEV_CERTS_DIR)
    .option('--hosts <names>', 'comma-separated DNS names and IPs the new certificates are valid for', parseList, [...DEFAULT_DEV_HOSTS])
    .option('--days <n>', 'validity in days', parseDays, 365)
    .action(async (options: CertsAddOptions) => {
      if (!existsSync(join(options.out, 'ca.crt'))) {
        throw CliError.usage(`${join(options.out, 'ca.crt')} does not exist: create the set with \`pimcp certs init --out ${options.out}\` (or \`pimcp up --tls\`) first`);
      }
      const written = await ensureDevCertificates({ dir: options.out, nodeIds: options.nodes, hosts: options.hosts, days: options.days });
      const added = written.issued.filter((name) => name.startsWith('node-'));
      process.stdout.write(added.length ? `issued ${added.join(', ')} in ${written.dir} from its CA\n` : `every node certificate already exists in ${written.dir}\n`);
    });
}

function parseList(value: string): string[] {
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
  return items;
}

function parseNodeIds(value: string): string[] {
  const ids = parseList(value);
  const bad = ids.filter((id) => !NODE_ID_PATTERN.test(id));
  if (bad.length) throw new InvalidArgumentError(`${bad.join(', ')}: node ids are DNS labels such as pi-kitchen-1`);
  return ids;
}

function parseDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new InvalidArgumentError('expected whole days between 1 and 3650');
  return days;
}
