module.exports = {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    // Type errors in libs/ are their own projects' to report; this project only loads the apps' config definitions.
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: { exclude: ['**/libs/**'] } }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  coverageDirectory: '../coverage/deploy',
};
