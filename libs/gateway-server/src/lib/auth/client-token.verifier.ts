import { JwtService } from '@nestjs/jwt';
import { type AuthInfo, OAuthError, OAuthErrorCode, type OAuthTokenVerifier } from '@modelcontextprotocol/server';

export interface ClientTokenVerifierOptions {
  publicKeyPem: string;
  issuer: string;
  /** The gateway's canonical URL: a token for another resource is refused. A function when known only after binding. */
  audience: string | (() => string);
  clockToleranceSeconds?: number;
}

interface ClientClaims {
  sub?: string;
  exp?: number;
  scope?: string;
  client_id?: string;
  azp?: string;
}

/**
 * Verifies client bearer JWTs (ES256 only: no `none`, no HS/RS confusion). Errors never echo the token.
 */
export class ClientTokenVerifier implements OAuthTokenVerifier {
  private readonly jwt = new JwtService();

  constructor(private readonly options: ClientTokenVerifierOptions) {}

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const audience = typeof this.options.audience === 'function' ? this.options.audience() : this.options.audience;
    let claims: ClientClaims;
    try {
      claims = await this.jwt.verifyAsync<ClientClaims & object>(token, {
        publicKey: this.options.publicKeyPem,
        algorithms: ['ES256'],
        issuer: this.options.issuer,
        audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
      });
    } catch (err) {
      throw new OAuthError(OAuthErrorCode.InvalidToken, `token rejected: ${(err as Error).message}`);
    }
    if (!claims.sub || !claims.exp) throw new OAuthError(OAuthErrorCode.InvalidToken, 'token rejected: sub and exp are required');
    return {
      token,
      clientId: claims.client_id ?? claims.azp ?? claims.sub,
      scopes: (claims.scope ?? '').split(' ').filter((s) => s.length > 0),
      expiresAt: claims.exp,
      resource: new URL(audience),
      extra: { subject: claims.sub },
    };
  }
}
