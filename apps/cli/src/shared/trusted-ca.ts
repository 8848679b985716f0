/** Trusts an extra CA (the `pimcp up --tls` development CA, or a private one) for every HTTPS request of this CLI run. */
import { readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { CliError } from './cli-error';
import { readUpEndpoints, type UpEndpoints } from './state-files';

type Env = Record<string, string | undefined>;

/** --ca-file, else $PIMCP_CA_FILE, else the CA of a `pimcp up --tls` running in this folder; undefined: system CAs only. */
export function resolveCaFile(option: string | undefined, env: Env = process.env, up: UpEndpoints | undefined = readUpEndpoints()): string | undefined {
  return option || env['PIMCP_CA_FILE']?.trim() || up?.caFile || undefined;
}

/**
 * Adds the CA in `file` to the CAs Node trusts by default, so fetch and the MCP SDK's transport accept servers
 * it signed (the system CAs stay trusted). Same effect as NODE_EXTRA_CA_CERTS, which needs a new process.
 */
export function trustCaFile(file: string): void {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw CliError.usage(`the CA file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check --ca-file or PIMCP_CA_FILE`);
  }
  const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!certificates) throw CliError.usage(`${file} holds no PEM certificate; --ca-file and PIMCP_CA_FILE take a CA certificate such as .pimcp/certs/ca.crt`);
  try {
    setDefaultCACertificates([...getCACertificates('default'), ...certificates]);
  } catch (err) {
    throw CliError.usage(`${file} is not a usable CA certificate (${(err as Error).message})`);
  }
}
