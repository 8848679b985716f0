/** Runs the built `pimcp` command as a user would; depends on `cli:build`. */
module.exports = {
  ...require('../../jest.e2e.preset.js'),
  preset: '../../jest.preset.js',
  displayName: 'cli-e2e',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
};
