module.exports = {
  displayName: 'node-link',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }]
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  // Unit specs and integration specs (real etcd processes from @pimcp/testing).
  testMatch: ['**/*.spec.ts', '**/*.integration-spec.ts'],
  testTimeout: 30000,
  coverageDirectory: '../../coverage/libs/node-link'
};
