module.exports = require('../../jest.lib.config.js')('registry-server');
