/** The built edge node run as its own process against real etcd and a registry; depends on `edge-node:build`. */
module.exports = {
  ...require('../../jest.e2e.preset.js'),
  preset: '../../jest.preset.js',
  displayName: 'edge-node-e2e',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
};
