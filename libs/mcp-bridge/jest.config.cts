module.exports = require('../../jest.lib.config.js')('mcp-bridge');
