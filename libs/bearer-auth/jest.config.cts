module.exports = require('../../jest.lib.config.js')('bearer-auth');
