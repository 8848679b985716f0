module.exports = {
  displayName: 'session-store',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }]
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  // Unit specs (in-memory adapter) and integration specs (real redis-server processes from @pimcp/testing).
  testMatch: ['**/*.spec.ts', '**/*.integration-spec.ts'],
  testTimeout: 30000,
  coverageDirectory: '../../coverage/libs/session-store'
};
