import type { PluginTemplateVars } from './plugin-template-vars';

/** The Nx project around a plugin: package, build (webpack bundle with the SDK), jest, eslint, tsconfig. */
export function projectFiles(v: PluginTemplateVars): Record<string, string> {
  return {
    [`package.json`]: `{
  "name": "${v.packageName}",
  "version": "0.1.0",
  "description": "A PiMCP plugin: ${v.pluginName}",
  "main": "main.js",
  "license": "Apache-2.0",
  "keywords": ["pimcp", "pimcp-plugin", "mcp"]
}
`,
    [`webpack.config.js`]: `// Bundles the plugin with the PiMCP SDK into ${v.offset}dist/${v.projectRoot}/main.js, a CommonJS package an edge
// node requires by name; npm dependencies stay external and are listed in the generated package.json.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: {
    path: join(__dirname, '${v.offset}dist/${v.projectRoot}'),
    clean: true,
    library: { type: 'commonjs2' },
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/index.ts',
      tsConfig: './tsconfig.lib.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
    }),
  ],
};
`,
    [`jest.config.cts`]: `module.exports = {
  displayName: '${v.pluginName}',
  preset: '${v.offset}jest.preset.js',
  testEnvironment: 'node',
  transform: { '^.+\\\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
`,
    [`eslint.config.mjs`]: `import baseConfig from "${v.offset}eslint.config.mjs";

export default [
    ...baseConfig
];
`,
    [`tsconfig.json`]: `{
  "extends": "${v.offset}tsconfig.base.json",
  "compilerOptions": {
    "module": "commonjs",
    "forceConsistentCasingInFileNames": true,
    "strict": true,
    "importHelpers": true,
    "noImplicitOverride": true,
    "noImplicitReturns": true,
    "noFallthroughCasesInSwitch": true,
    "noPropertyAccessFromIndexSignature": true
  },
  "files": [],
  "include": [],
  "references": [{ "path": "./tsconfig.lib.json" }, { "path": "./tsconfig.spec.json" }]
}
`,
    [`tsconfig.lib.json`]: `{
  "extends": "./tsconfig.json",
  "compilerOptions": {
    "outDir": "${v.offset}dist/out-tsc",
    "types": ["node"]
  },
  "include": ["src/**/*.ts"],
  "exclude": ["jest.config.cts", "src/**/*.spec.ts"]
}
`,
    [`tsconfig.spec.json`]: `{
  "extends": "./tsconfig.json",
  "compilerOptions": {
    "outDir": "${v.offset}dist/out-tsc",
    "module": "commonjs",
    "moduleResolution": "node10",
    "types": ["jest", "node"]
  },
  "include": ["jest.config.cts", "src/**/*.spec.ts", "src/**/*.d.ts"]
}
`,
  };
}
