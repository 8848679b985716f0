module.exports = require('../../jest.lib.config.js')('node-link');
