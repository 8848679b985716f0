// Shared settings of apps' e2e suites (apps/<app>/jest.e2e.config.cts): slow, real processes, built dist.
module.exports = {
  testEnvironment: 'node',
  testTimeout: 60_000,
  moduleFileExtensions: ['ts', 'js'],
};
