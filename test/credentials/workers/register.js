// Runs the TypeScript sources directly (test/simulator/tsRegister.js), with `.ts` tried before
// `.json` so `NemoVideoCredits.node` resolves to the node's code, not its codex file (as under jest).
require('../../simulator/tsRegister.js');
const extensions = require('module').Module._extensions;
for (const extension of ['.json', '.node']) {
	const load = extensions[extension];
	delete extensions[extension];
	extensions[extension] = load;
}
