module.exports = {
  displayName: 'edge-node-server',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }]
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  // Unit specs and integration specs (real etcd processes from @pimcp/testing).
  testMatch: ['**/*.spec.ts', '**/*.integration-spec.ts'],
  testTimeout: 30000,
  coverageDirectory: '../../coverage/libs/edge-node-server'
};
