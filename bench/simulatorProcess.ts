import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * The simulator CLI in its own process, so its CPU and memory do not count against the process
 * being measured; resolves with its URL. Stop it with `child.kill('SIGTERM')`.
 */
export async function startSimulatorProcess(seed = 1): Promise<{ url: string; child: ChildProcess }> {
	const root = join(__dirname, '..');
	const child = spawn(
		process.execPath,
		['--import', 'tsx', join(root, 'simulator/cli.ts'), '--quiet', '--seed', String(seed)],
		{
			cwd: root,
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	const url = await new Promise<string>((resolve, reject) => {
		let output = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`simulator exited early (code ${code})`)));
		child.once('error', reject);
	});
	return { url, child };
}
