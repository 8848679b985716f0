module.exports = require('../../jest.lib.config.js')('builtin-plugins');
