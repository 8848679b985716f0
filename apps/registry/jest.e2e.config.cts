/** Whole-app tests against real etcd processes; run after `registry:build` (the failover test spawns dist). */
module.exports = {
  ...require('../../jest.e2e.preset.js'),
  preset: '../../jest.preset.js',
  displayName: 'registry-e2e',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
};
