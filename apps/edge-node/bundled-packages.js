// The npm packages bundled into the edge node's main.js (ADR 0023): what an idle node loads, so it starts from one
// minified script instead of some 1,300 files in node_modules. Everything else (the AWS and MCP SDKs, pg, ioredis,
// pino, OpenTelemetry's SDK, ...) stays external and loads only where configured (ADR 0018). A package that an
// external one requires belongs here too, or the node would hold two copies of it: nestjs-pino (JSON logs)
// requires @nestjs/common. The reverse holds as well: @opentelemetry/api loads at boot but stays external, because
// OpenTelemetry's SDK (external, loaded for tracing) requires it and must share the node's copy. So does load-esm
// (@nestjs/common requires it at load; its `import(name)` must stay Node's own, which webpack would rewrite).
// apps/edge-node/test/boot-dependencies.e2e-spec.ts fails when an idle node loads other files from node_modules,
// or when a configured one loads one of these from there.
module.exports = [
  '@nestjs/common', '@nestjs/core', '@nestjs/microservices', 'nestjs-pino', 'rxjs', 'tslib', 'reflect-metadata',
  'iterare', 'uid', 'fast-safe-stringify', 'path-to-regexp',
  'class-validator', 'class-transformer', 'validator', 'libphonenumber-js',
  'ajv', 'fast-uri', 'fast-deep-equal', 'json-schema-traverse',
  'jose', 'minimatch', 'brace-expansion', 'balanced-match', 'ipaddr.js',
];
