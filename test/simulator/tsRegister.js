// Lets `node -r ./test/simulator/tsRegister.js simulator/cli.ts` run the TypeScript sources directly (transpile only),
// so the CLI test does not depend on a prior build.
const fs = require('fs');
const ts = require('typescript');
require.extensions['.ts'] = function (module, filename) {
	const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
		fileName: filename,
	});
	module._compile(out.outputText, filename);
};
