// One webpack config for every Nest app: a node bundle in dist/apps/<app>/main.js.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');
const { BundlePackagesPlugin } = require('./bundle-packages.plugin');

/**
 * @param bundledPackages npm packages to bundle into main.js; every other package stays a `require` from
 *   node_modules (Nx's default for node apps). The edge node uses it for what it loads at boot (ADR 0023).
 */
module.exports = function appWebpackConfig(appDir, appName, { optimize = false, bundledPackages } = {}) {
  return {
    output: {
      path: join(appDir, '../../dist/apps', appName),
      clean: true,
      ...(process.env.NODE_ENV !== 'production' && { devtoolModuleFilenameTemplate: '[absolute-resource-path]' }),
    },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        assets: ['./src/assets'],
        optimization: optimize,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMap: true,
      }),
      // After Nx's plugin: it sets the externals this one narrows.
      ...(bundledPackages ? [new BundlePackagesPlugin(bundledPackages)] : []),
    ],
  };
};
