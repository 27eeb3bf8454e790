import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { parseArgs } from '../../simulator/cli';

const ROOT = path.join(__dirname, '../..');

function startCli(
	args: string[],
): Promise<{ child: ChildProcess; url: string; stdout: () => string; stderr: () => string }> {
	const child = spawn(
		process.execPath,
		['-r', path.join(__dirname, 'tsRegister.js'), path.join(ROOT, 'simulator/cli.ts'), ...args],
		{
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let out = '';
	let err = '';
	child.stderr!.on('data', (c) => (err += c));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 15000);
		child.stdout!.on('data', (c) => {
			out += c;
			const m = /^NemoVideo simulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
			if (m) {
				clearTimeout(timer);
				resolve({ child, url: m[1], stdout: () => out, stderr: () => err });
			}
		});
		child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
	});
}

describe('simulator: CLI', () => {
	test('flags map to options (kebab-case, numbers, lists, booleans)', () => {
		expect(
			parseArgs([
				'--port',
				'0',
				'--seed=1',
				'--render-ms',
				'1500',
				'--render-url-style',
				'output.url',
				'--registered-tokens',
				'a,b',
				'--quiet',
				'--silent-edit-rate',
				'0.5',
			]),
		).toEqual({
			port: 0,
			seed: 1,
			renderMs: 1500,
			renderUrlStyle: 'output.url',
			registeredTokens: ['a', 'b'],
			quiet: true,
			silentEditRate: 0.5,
		});
		expect(() => parseArgs(['--bogus', '1'])).toThrow(/unknown option/);
		expect(parseArgs(['--token-rejection', 'code200'])).toEqual({ tokenRejection: 'code200' });
	});

	test('prints exactly one listening line, logs requests to stderr without tokens, exits cleanly on SIGTERM', async () => {
		const cli = await startCli([
			'--port',
			'0',
			'--seed',
			'1',
			'--render-ms',
			'100',
			'--registered-tokens',
			'nmv_sk_cli_secret',
		]);
		try {
			const r = await fetch(cli.url + '/api/credits/balance/simple', {
				headers: { Authorization: 'Bearer nmv_sk_cli_secret' },
			});
			expect(r.status).toBe(200);
			const cfg: any = await (await fetch(cli.url + '/__sim/config')).json();
			expect(cfg.renderMs).toBe(100);
			await new Promise((res) => setTimeout(res, 50));
			expect(cli.stderr()).toMatch(/GET \/api\/credits\/balance\/simple 200 \d+ms/);
			expect(cli.stderr()).not.toContain('nmv_sk_cli_secret');
		} finally {
			const exited = new Promise<number | null>((res) => cli.child.on('exit', (code) => res(code)));
			cli.child.kill('SIGTERM');
			expect(await exited).toBe(0);
		}
		expect(cli.stdout().trim().split('\n')).toHaveLength(1);
	});
});
