/** The gateway as its own process against a real etcd; run after `gateway:build` (the fuzz test spawns dist). */
module.exports = {
  ...require('../../jest.e2e.preset.js'),
  preset: '../../jest.preset.js',
  displayName: 'gateway-e2e',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
};
