import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import { CliError, ExitCode } from './cli-error';
import { gatewayError } from './gateway-errors';

const url = new URL('http://127.0.0.1:8080/mcp');
const exitOf = (error: unknown) => (gatewayError(url, error) as CliError).exitCode;

describe('gatewayError', () => {
  it('maps a refused connection to exit 3 with what to do', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const mapped = gatewayError(url, refused) as CliError;
    expect(mapped.exitCode).toBe(ExitCode.Unreachable);
    expect(mapped.message).toBe('cannot reach the gateway at http://127.0.0.1:8080/mcp (ECONNREFUSED). Is `npm start` (pimcp up) running? Otherwise pass --gateway <url> or set PIMCP_GATEWAY_URL');
  });

  it('says how to trust the CA when the gateway\'s certificate is not trusted', () => {
    const untrusted = Object.assign(new TypeError('fetch failed'), { cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
    const mapped = gatewayError(new URL('https://127.0.0.1:8443/mcp'), untrusted) as CliError;
    expect(mapped.exitCode).toBe(ExitCode.Unreachable);
    expect(mapped.message).toMatch(/\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\. Its certificate is not signed by a CA this command trusts: pass --ca-file <ca\.crt> .*PIMCP_CA_FILE or NODE_EXTRA_CA_CERTS$/);
  });

  it('maps 401 and 403 to exit 4 with the gateway\'s reason, other statuses to exit 3', () => {
    const http = (status: number, text: string) => new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, 'Error POSTing', { status, statusText: '', text });
    const refused = gatewayError(url, http(401, '{"error":"invalid_token","error_description":"token rejected: jwt expired"}')) as CliError;
    expect(refused.exitCode).toBe(ExitCode.AuthRefused);
    expect(refused.message).toContain('HTTP 401: token rejected: jwt expired');
    expect(exitOf(http(403, '{"error":"insufficient_scope"}'))).toBe(ExitCode.AuthRefused);
    expect(exitOf(http(404, 'Cannot POST /x'))).toBe(ExitCode.Unreachable);
  });

  it('maps protocol errors and timeouts to exit 1 and leaves unknown errors alone', () => {
    expect(exitOf(new ProtocolError(-32602, 'Unknown tool'))).toBe(ExitCode.Failure);
    expect(exitOf(new SdkError(SdkErrorCode.RequestTimeout, 'timed out'))).toBe(ExitCode.Failure);
    const odd = new RangeError('odd');
    expect(gatewayError(url, odd)).toBe(odd);
  });
});
