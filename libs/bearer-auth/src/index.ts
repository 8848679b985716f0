export * from './lib/bearer-jwt.verifier';
export * from './lib/bearer-jwt-refused.error';
export * from './lib/scopes-of';
