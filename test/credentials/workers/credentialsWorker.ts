/**
 * One "n8n worker" for the cross-process credential tests: its own process, module state and
 * n8n-core runtime, sharing only the credential file and the simulator with the other workers.
 * Usage: node -r ./test/credentials/workers/register.js credentialsWorker.ts <credential file> <runs>
 * Prints "ready", waits for "go" on stdin, runs <runs> Credits executions at once, prints one JSON line.
 */
import { disposeRuntime, ensureRuntime } from '../../harness';
import { FileCredentialStore } from '../../helpers/fileCredentialStore';
import { nemoNode, runChain } from '../../helpers/workflow';

async function main(): Promise<void> {
	const [file, runs] = process.argv.slice(2);
	const credentials = new FileCredentialStore(file);
	await ensureRuntime();
	process.stdout.write('ready\n');
	await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
	const results = await Promise.all(
		Array.from({ length: Number(runs) }, async () => {
			const run = await runChain([nemoNode('Credits', 'nemoVideoCredits', { operation: 'getBalance' })], credentials);
			return { status: run.status, available: run.output('Credits')[0]?.json.available, error: run.error?.message };
		}),
	);
	process.stdout.write(`${JSON.stringify(results)}\n`);
	disposeRuntime();
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
		process.exit(1);
	},
);
