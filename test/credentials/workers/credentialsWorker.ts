/**
 * One "n8n worker" for the cross-process credential tests: its own process, module state and
 * n8n-core runtime, sharing only the credential file and the simulator with the other workers.
 * Usage: node -r ./test/credentials/workers/register.js credentialsWorker.ts
 * Prints "ready"; then for each stdin line `<credential file> <runs>` runs <runs> Credits
 * executions at once and prints their results as one JSON line. Ends when stdin closes.
 */
import { createInterface } from 'node:readline';

import { disposeRuntime, ensureRuntime } from '../../harness';
import { FileCredentialStore } from '../../helpers/fileCredentialStore';
import { nemoNode, runChain } from '../../helpers/workflow';

async function runAll(file: string, runs: number): Promise<unknown[]> {
	const credentials = new FileCredentialStore(file);
	return await Promise.all(
		Array.from({ length: runs }, async () => {
			const run = await runChain([nemoNode('Credits', 'nemoVideoCredits', { operation: 'getBalance' })], credentials);
			return { status: run.status, available: run.output('Credits')[0]?.json.available, error: run.error?.message };
		}),
	);
}

async function main(): Promise<void> {
	await ensureRuntime();
	process.stdout.write('ready\n');
	for await (const line of createInterface({ input: process.stdin })) {
		const [file, runs] = line.split(' ');
		process.stdout.write(`${JSON.stringify(await runAll(file, Number(runs)))}\n`);
	}
	disposeRuntime();
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
		process.exit(1);
	},
);
