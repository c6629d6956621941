/** Unit tests and the simulation sweep run on the TypeScript sources through ts-jest
 *  (transpile only: `npm run build`, run by `pretest`, is the type check). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 120000,
};
