// Bundles the named npm packages, one chunk file per package (packages/<name>.js next to main.js), and keeps every
// other one external (`require`d from node_modules at run time), replacing the externals Nx's plugin set. Nx
// offers "all external" or "none"; the edge node wants exactly the packages it loads at boot (ADR 0023).
const PACKAGE_OF = /node_modules\/((?:@[^/]+\/)?[^/]+)/;
/** The package a bare request names (`@scope/name/sub` -> `@scope/name`); undefined for paths and loader requests. */
const PACKAGE_REQUEST = /^((?:@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*)(\/|$)/i;
/** The workspace's own libraries, which tsconfig paths resolve into the bundle. */
const WORKSPACE_SCOPE = '@pimcp/';
const NEST_OPTIONAL_LOADERS = /node_modules\/@nestjs\/(common\/utils\/load-package\.util|core\/helpers\/(load-adapter|optional-require)|microservices\/(client\/client|server\/server)-grpc)\.js$/;

class BundlePackagesPlugin {
  /** @param {string[]} packages */
  constructor(packages) {
    this.bundled = new Set(packages);
  }

  apply(compiler) {
    // Every other package is external, installed or not: Nest names optional transports (kafkajs, mqtt, ...) in
    // loaders that run only when such a transport is used, and a missing one must stay a run-time `require`.
    compiler.options.externals = [({ request }, callback) => {
      const name = request && !request.startsWith(WORKSPACE_SCOPE) ? PACKAGE_REQUEST.exec(request)?.[1] : undefined;
      if (name && !this.bundled.has(name)) return callback(undefined, `commonjs ${request}`);
      callback();
    }];
    // One script per package rather than one 1.7 MB script: V8 parses each in its own zone, and glibc keeps the
    // parser's freed zone segments of one big parse inside malloc's heap (about 9 MiB of RSS; ADR 0023).
    compiler.options.optimization.splitChunks = {
      chunks: 'all',
      cacheGroups: {
        default: false,
        defaultVendors: false,
        packages: {
          test: PACKAGE_OF,
          name: (module) => `packages/${PACKAGE_OF.exec(module.resource)[1]}`,
          enforce: true,
        },
      },
    };
    // Set after webpack normalised its options, so as the functions it keeps them as.
    const ignored = [
      // Nest's optional loaders fall back to `require(name)` only when a caller passes no loader function; every
      // call on the node's path passes one (a static require webpack follows), so that context is never used.
      (warning) => /Critical dependency/.test(warning.message) && NEST_OPTIONAL_LOADERS.test(warning.module?.resource ?? ''),
      // Bundled packages that ship source maps pointing at .ts files they do not ship.
      (warning) => /Failed to parse source map from .*node_modules/.test(warning.message),
    ];
    compiler.options.ignoreWarnings = [...(compiler.options.ignoreWarnings ?? []), ...ignored];
  }
}

module.exports = { BundlePackagesPlugin };
