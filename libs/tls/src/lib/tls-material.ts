/** A service's TLS files (CA, certificate, key), reloaded when they change so certificates rotate without a restart. */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { type ConnectionOptions, createSecureContext, type SecureContext, type Server } from 'node:tls';
import { Logger } from '@nestjs/common';
import { TlsSetupError } from './tls-setup.error';

export interface TlsFiles {
  /** PEM bundle of the CA(s) peers' certificates must chain to; absent for a listener that asks no client certificate. */
  caFile?: string;
  certFile: string;
  keyFile: string;
}

export interface TlsMaterialOptions {
  /** How often the files are checked for changes (default 5000 ms); 0 turns reloading off. */
  reloadIntervalMs?: number;
}

/** What a TLS server (node:tls, https, Nest's httpsOptions and TCP tlsOptions) needs from the material. */
export interface TlsServerOptions {
  ca?: Buffer;
  cert: Buffer;
  key: Buffer;
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

interface Pem {
  ca?: Buffer;
  cert: Buffer;
  key: Buffer;
}

export class TlsMaterial {
  private readonly logger = new Logger(TlsMaterial.name);
  private pem: Pem;
  private context: SecureContext;
  private readonly listeners = new Set<() => void>();
  private readonly watched: string[] = [];

  /** Reads the files now; throws TlsSetupError naming the file and the setting when one is missing or invalid. */
  constructor(readonly files: TlsFiles, options: TlsMaterialOptions = {}) {
    this.pem = readPem(files);
    this.context = secureContextOf(this.pem, files);
    const interval = options.reloadIntervalMs ?? 5000;
    if (interval > 0) {
      for (const file of new Set([files.caFile, files.certFile, files.keyFile].filter((f): f is string => Boolean(f)))) {
        watchFile(file, { interval, persistent: false }, () => this.reload());
        this.watched.push(file);
      }
    }
  }

  /** The context new connections use: the newest valid files. */
  get secureContext(): SecureContext {
    return this.context;
  }

  /** Options for a TLS server; `requireClientCert` makes it mTLS (a client without a certificate from the CA is refused). */
  serverOptions(requireClientCert: boolean): TlsServerOptions {
    return { ...this.pem, requestCert: requireClientCert, rejectUnauthorized: true };
  }

  /**
   * Options for TLS client connections that read the newest files on each new connection (the getter is
   * evaluated when the options are spread into `tls.connect`).
   */
  clientOptions(extra: ConnectionOptions = {}): ConnectionOptions {
    const options: ConnectionOptions = { minVersion: 'TLSv1.2', rejectUnauthorized: true, ...extra };
    return Object.defineProperty(options, 'secureContext', { enumerable: true, get: () => this.secureContext });
  }

  /** Keeps a server's certificate current: new handshakes use rotated files, open connections are untouched. */
  attach(server: Pick<Server, 'setSecureContext'>): () => void {
    const listener = () => server.setSecureContext({ ...this.pem });
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Checks the files again now (the watcher calls this; tests may too). Keeps the old files if the new ones are invalid. */
  reload(): boolean {
    let pem: Pem;
    let context: SecureContext;
    try {
      pem = readPem(this.files);
      context = secureContextOf(pem, this.files);
    } catch (err) {
      // A rotation writes the certificate and the key one after the other; the next change completes it.
      this.logger.warn(`keeping the current certificate: ${(err as Error).message}`);
      return false;
    }
    if (pem.cert.equals(this.pem.cert) && pem.key.equals(this.pem.key) && sameOptional(pem.ca, this.pem.ca)) return false;
    this.pem = pem;
    this.context = context;
    for (const listener of this.listeners) listener();
    this.logger.log(`reloaded TLS certificate from ${this.files.certFile}`);
    return true;
  }

  close(): void {
    for (const file of this.watched.splice(0)) unwatchFile(file);
    this.listeners.clear();
  }
}

function readPem(files: TlsFiles): Pem {
  return { ...(files.caFile ? { ca: readPart(files.caFile, 'CA') } : {}), cert: readPart(files.certFile, 'certificate'), key: readPart(files.keyFile, 'key') };
}

function sameOptional(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}

function readPart(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new TlsSetupError(`the TLS ${what} file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function secureContextOf(pem: Pem, files: TlsFiles): SecureContext {
  try {
    return createSecureContext({ ...pem, minVersion: 'TLSv1.2' });
  } catch (err) {
    throw new TlsSetupError(`the TLS files ${[files.certFile, files.keyFile, files.caFile].filter(Boolean).join(', ')} do not form a usable certificate (${(err as Error).message})`);
  }
}
