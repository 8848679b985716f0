module.exports = require('../../jest.lib.config.js')('edge-node-server');
