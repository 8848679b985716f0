const { join } = require('node:path');
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  // On a 2-core machine jest runs the specs inside its own process, so a socket or timer that a test leaks (a
  // gRPC reconnect after a killed etcd, say) would keep the run alive until CI gives up. End the run when the
  // results are in, and name what was left open so the leak is still seen and fixed.
  forceExit: true,
  reporters: ['default', join(__dirname, 'tools/jest/leftover-handles.reporter.js')],
};
