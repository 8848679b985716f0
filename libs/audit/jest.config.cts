module.exports = require('../../jest.lib.config.js')('audit');
