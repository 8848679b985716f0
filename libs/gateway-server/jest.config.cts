module.exports = require('../../jest.lib.config.js')('gateway-server');
