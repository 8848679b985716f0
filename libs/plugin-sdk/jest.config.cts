module.exports = require('../../jest.lib.config.js')('plugin-sdk');
