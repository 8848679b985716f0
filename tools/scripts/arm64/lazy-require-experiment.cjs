// Experiment, not a fix: preloaded (`node -r`) to estimate what making some imports lazy in the libraries would
// save. Each package named in PIMCP_LAZY_PACKAGES (comma-separated) is returned as a stand-in that loads the real
// package on first use; a package the process never uses is then never loaded. PIMCP_LAZY_TRACE=1 prints who
// loaded it after all. edge-node-idle-memory.mjs uses it for its "-lazy" variants.
const Module = require('node:module');

const lazy = new Set((process.env.PIMCP_LAZY_PACKAGES ?? '').split(',').filter(Boolean));
const load = Module._load;

Module._load = function lazyLoad(request, parent, isMain) {
  if (!lazy.has(request)) return load.call(this, request, parent, isMain);
  let real;
  const get = () => {
    if (real === undefined) {
      if (process.env.PIMCP_LAZY_TRACE) console.error(`lazy-require-experiment: ${request} loaded by\n${new Error().stack.split('\n').slice(3, 6).join('\n')}`);
      real = load.call(this, request, parent, isMain);
    }
    return real;
  };
  // The bundle reads `__esModule` when it imports; everything else is a real use.
  return new Proxy({}, {
    get: (_, key) => (key === '__esModule' ? true : get()[key]),
    has: (_, key) => key in get(),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Object.getOwnPropertyDescriptor(get(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
};
