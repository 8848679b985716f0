/** Writes the development certificate set of `pimcp certs init`: one CA, one certificate per service and per node. */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CertificateAuthority, createDevCa, issueCertificate, type LeafRequest, loadCa } from './dev-ca';
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
  for (const [name, leaf] of leafRequests(request.nodeIds, hosts, days)) files[name] = await writeDevCertificate(ca, dir, name, leaf);
  return { dir, caFile, files };
}

/**
 * The set `pimcp up --tls` needs: creates it like writeDevCertificates when `dir` has no CA, else issues from
 * the existing CA only the service and node certificates that are missing (existing files are kept).
 */
export async function ensureDevCertificates(request: Omit<DevCertificatesRequest, 'force'>): Promise<WrittenDevCertificates & { issued: string[] }> {
  const caFile = join(request.dir, 'ca.crt');
  if (!existsSync(caFile)) {
    const written = await writeDevCertificates(request);
    return { ...written, issued: Object.keys(written.files) };
  }
  const ca = await loadDevCa(request.dir);
  const hosts = request.hosts?.length ? request.hosts : DEFAULT_DEV_HOSTS;
  const files: Record<string, DevCertificateFiles> = {};
  const issued: string[] = [];
  for (const [name, leaf] of leafRequests(request.nodeIds, hosts, request.days ?? 365)) {
    const paths = devCertificateFiles(request.dir, name);
    if (existsSync(paths.certFile) && existsSync(paths.keyFile)) {
      files[name] = paths;
    } else {
      files[name] = await writeDevCertificate(ca, request.dir, name, leaf);
      issued.push(name);
    }
  }
  return { dir: request.dir, caFile, files, issued };
}

/** The CA of a set written by writeDevCertificates (ca.crt and ca.key in `dir`). */
export async function loadDevCa(dir: string): Promise<CertificateAuthority> {
  const read = (file: string) => {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch (err) {
      throw new Error(`${join(dir, file)} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): run \`pimcp certs init --out ${dir}\` first`);
    }
  };
  return loadCa(read('ca.crt'), read('ca.key'));
}

/** Issues one certificate from `ca` into `dir` as <name>.crt and <name>.key (0600), e.g. for an etcd server. */
export async function writeDevCertificate(ca: CertificateAuthority, dir: string, name: string, request: LeafRequest): Promise<DevCertificateFiles> {
  const pair = await issueCertificate(ca, request);
  const paths = devCertificateFiles(dir, name);
  writePem(paths.certFile, pair.certPem, 0o644);
  writePem(paths.keyFile, pair.keyPem, 0o600);
  return paths;
}

function leafRequests(nodeIds: readonly string[], hosts: readonly string[], days: number): [string, LeafRequest][] {
  return [
    ...DEV_SERVICES.map((service): [string, LeafRequest] => [service, { commonName: `pimcp-${service}`, hosts, serverAuth: true, clientAuth: true, days }]),
    // Nodes serve the gateway's link (server) and dial the registry (client); the gateway checks the URI, not the host.
    ...nodeIds.map((nodeId): [string, LeafRequest] => [`node-${nodeId}`, {
      commonName: nodeId, hosts, uris: [nodeIdentityUri(nodeId)], serverAuth: true, clientAuth: true, days,
    }]),
  ];
}

function writePem(file: string, pem: string, mode: number): void {
  writeFileSync(file, pem, { mode });
  chmodSync(file, mode); // writeFileSync's mode applies only to a new file
}
