/** npm run test:faults: the fault matrix (test/faults), kept out of the default `npm test` run. */
const base = require('../../jest.config');

module.exports = {
	...base,
	rootDir: '../..',
	roots: ['<rootDir>/test/faults'],
	testPathIgnorePatterns: ['/node_modules/'],
	testTimeout: 60_000,
};
