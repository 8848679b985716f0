import { CliError, ExitCode } from './cli-error';

export type Service = 'gateway' | 'registry';

const HOW_TO_POINT: Record<Service, string> = {
  gateway: 'Is `npm start` (pimcp up) running? Otherwise pass --gateway <url> or set PIMCP_GATEWAY_URL',
  registry: 'Is `npm start` (pimcp up) running? Otherwise pass --registry <url> or set PIMCP_REGISTRY_ADMIN_URL',
};

const HOW_TO_AUTH: Record<Service, string> = {
  gateway: 'Mint a fresh token with `pimcp token mint --out .pimcp/dev-token`, or pass --token-file / set PIMCP_TOKEN',
  registry: 'Set PIMCP_REGISTRY_ADMIN_TOKEN to a token the registry accepts',
};

/** The network could not deliver the request at all: refused, unknown host, reset, timed out connecting. */
export function unreachable(service: Service, url: URL, error: unknown): CliError {
  const reason = networkReason(error);
  const hint = UNTRUSTED_CERTIFICATE.test(reason) ? HOW_TO_TRUST : HOW_TO_POINT[service];
  return new CliError(ExitCode.Unreachable, `cannot reach the ${service} at ${url.href} (${reason}). ${hint}`);
}

/** Node's codes for a server certificate that does not chain to a trusted CA. */
const UNTRUSTED_CERTIFICATE = /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED|CERT_UNTRUSTED/;
const HOW_TO_TRUST = 'Its certificate is not signed by a CA this command trusts: pass --ca-file <ca.crt> (for `pimcp up --tls`: .pimcp/certs/ca.crt), or set PIMCP_CA_FILE or NODE_EXTRA_CA_CERTS';

/** An HTTP answer that is not the service's own: refused credentials, or some other server at that URL. */
export function httpRefusal(service: Service, url: URL, status: number, detail: string): CliError {
  if (status === 401 || status === 403) {
    return new CliError(ExitCode.AuthRefused, `the ${service} refused the credentials (HTTP ${status}${detail ? `: ${detail}` : ''}). ${HOW_TO_AUTH[service]}`);
  }
  return new CliError(
    ExitCode.Unreachable,
    `no PiMCP ${service} answers at ${url.href} (HTTP ${status}${detail ? `: ${detail}` : ''}). ${HOW_TO_POINT[service]}`,
  );
}

export function isNetworkError(error: unknown): boolean {
  // By name, not instanceof: fetch's TypeError may come from another realm (as under jest).
  return (error as Error | undefined)?.name === 'TypeError' && /fetch failed/i.test((error as Error).message);
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

/** OAuth errors come as JSON ({ error_description }); keep a short, token-free line. */
export function describeBody(text: string | undefined): string {
  if (!text) return '';
  try {
    const body = JSON.parse(text) as { error_description?: string; error?: string; message?: string };
    return String(body.error_description ?? body.message ?? body.error ?? '').slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
