// Shared jest settings of libs/<name>/jest.config.cts: unit specs beside the code, and integration
// specs that start real etcd and redis-server processes (hence the long timeout).
module.exports = function libJestConfig(name) {
  return {
    displayName: name,
    preset: '../../jest.preset.js',
    testEnvironment: 'node',
    transform: {
      '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    },
    moduleFileExtensions: ['ts', 'js', 'html'],
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.integration-spec.ts'],
    testTimeout: 30000,
    coverageDirectory: `../../coverage/libs/${name}`,
  };
};
