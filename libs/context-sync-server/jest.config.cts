module.exports = require('../../jest.lib.config.js')('context-sync-server');
