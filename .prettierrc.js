/**
 * n8n's community starter settings (@n8n/node-cli's template), with one change: lines up to 120
 * characters, the width this code was written to (n8n's starter wraps at 100).
 * `npm run lint` checks every source file against it; `npm run format` rewrites them.
 */
module.exports = {
	semi: true,
	trailingComma: 'all',
	bracketSpacing: true,
	useTabs: true,
	tabWidth: 2,
	arrowParens: 'always',
	singleQuote: true,
	quoteProps: 'as-needed',
	endOfLine: 'lf',
	printWidth: 120,
};
