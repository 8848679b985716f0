module.exports = require('../../jest.lib.config.js')('generators');
