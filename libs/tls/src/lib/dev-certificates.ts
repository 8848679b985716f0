/** Writes the development certificate set of `pimcp certs init`: one CA, one certificate per service and per node. */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CertificateAuthority, createDevCa, issueCertificate } from './dev-ca';
import { nodeIdentityUri } from './node-identity';

export const DEV_SERVICES = ['gateway', 'registry', 'context-sync'] as const;

export interface DevCertificatesRequest {
  dir: string;
  nodeIds: readonly string[];
  /** DNS names and IPs the service certificates are valid for (default localhost, 127.0.0.1, ::1). */
  hosts?: readonly string[];
  days?: number;
  /** Overwrite existing files; without it an existing set is an error. */
  force?: boolean;
}

export interface DevCertificateFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface WrittenDevCertificates {
  dir: string;
  caFile: string;
  /** By name: gateway, registry, context-sync, node-<id>. */
  files: Record<string, DevCertificateFiles>;
}

export const DEFAULT_DEV_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;

/** File names in the directory: ca.crt, ca.key, <name>.crt, <name>.key. */
export function devCertificateFiles(dir: string, name: string): DevCertificateFiles {
  return { caFile: join(dir, 'ca.crt'), certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
}

export async function writeDevCertificates(request: DevCertificatesRequest): Promise<WrittenDevCertificates> {
  const { dir } = request;
  const caFile = join(dir, 'ca.crt');
  if (!request.force && existsSync(caFile)) {
    throw new Error(`${caFile} already exists: pass --force to replace the whole certificate set (peers holding the old CA stop trusting it)`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const days = request.days ?? 365;
  const hosts = request.hosts?.length ? request.hosts : DEFAULT_DEV_HOSTS;
  const ca = await createDevCa({ days: Math.max(days, 1) * 2 });
  writePem(caFile, ca.certPem, 0o644);
  writePem(join(dir, 'ca.key'), ca.keyPem, 0o600);
  const files: Record<string, DevCertificateFiles> = {};
  for (const service of DEV_SERVICES) {
    files[service] = await writeLeaf(ca, dir, service, { commonName: `pimcp-${service}`, hosts, serverAuth: true, clientAuth: true, days });
  }
  for (const nodeId of request.nodeIds) {
    // Nodes serve the gateway's link (server) and dial the registry (client); the gateway checks the URI, not the host.
    files[`node-${nodeId}`] = await writeLeaf(ca, dir, `node-${nodeId}`, {
      commonName: nodeId, hosts, uris: [nodeIdentityUri(nodeId)], serverAuth: true, clientAuth: true, days,
    });
  }
  return { dir, caFile, files };
}

async function writeLeaf(ca: CertificateAuthority, dir: string, name: string, request: Parameters<typeof issueCertificate>[1]): Promise<DevCertificateFiles> {
  const pair = await issueCertificate(ca, request);
  const paths = devCertificateFiles(dir, name);
  writePem(paths.certFile, pair.certPem, 0o644);
  writePem(paths.keyFile, pair.keyPem, 0o600);
  return paths;
}

function writePem(file: string, pem: string, mode: number): void {
  writeFileSync(file, pem, { mode });
  chmodSync(file, mode); // writeFileSync's mode applies only to a new file
}
