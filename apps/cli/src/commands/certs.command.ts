import { InvalidArgumentError, type Command } from 'commander';
import { NODE_ID_PATTERN } from '@pimcp/protocol';
import { writeDevCertificates } from '@pimcp/tls';

export const DEV_CERTS_DIR = '.pimcp/certs';

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
