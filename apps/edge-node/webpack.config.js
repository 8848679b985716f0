const appWebpackConfig = require('../../tools/webpack/app-webpack.config');
const bundledPackages = require('./bundled-packages');

module.exports = appWebpackConfig(__dirname, 'edge-node', { optimize: true, bundledPackages });
