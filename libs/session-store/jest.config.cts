module.exports = require('../../jest.lib.config.js')('session-store');
