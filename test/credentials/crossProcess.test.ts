/**
 * One credential used by two processes at once, as two queue-mode workers share it in PostgreSQL:
 * two separate Node processes, each with its own n8n-core runtime and its own copy of the package's
 * modules (no shared memory), sharing only a credential file (read on every access, like n8n reads
 * the database) and the simulator.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Simulator } from '../../simulator';
import { FileCredentialStore } from '../helpers/fileCredentialStore';
import { quietSimulator } from '../helpers/simulator';
import { CREDENTIAL_ID } from '../helpers/workflow';

const ROOT = path.join(__dirname, '../..');
const WORKER = path.join(__dirname, 'workers/credentialsWorker.ts');
const TOKEN_PATH = '/api/auth/anonymous-token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let simulator: Simulator;
let folder: string;
let workers: Worker[] = [];

interface RunResult {
	status: string;
	available?: number;
	error?: string;
}

interface Worker {
	child: ChildProcessWithoutNullStreams;
	lines: AsyncIterator<string>;
}

function startWorker(): Worker {
	const child = spawn(process.execPath, ['-r', path.join(__dirname, 'workers/register.js'), WORKER], {
		cwd: ROOT,
		env: { ...process.env, HARNESS_N8N_LOG_LEVEL: 'silent' },
	});
	child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
	async function* lines(): AsyncGenerator<string> {
		let buffered = '';
		for await (const chunk of child.stdout) {
			buffered += String(chunk);
			let newline;
			while ((newline = buffered.indexOf('\n')) >= 0) {
				yield buffered.slice(0, newline);
				buffered = buffered.slice(newline + 1);
			}
		}
	}
	return { child, lines: lines() };
}

beforeAll(async () => {
	simulator = await quietSimulator();
	folder = mkdtempSync(path.join(tmpdir(), 'nemovideo-cross-process-'));
	workers = [startWorker(), startWorker()];
	for (const worker of workers) expect((await worker.lines.next()).value).toBe('ready');
}, 120_000);
afterAll(async () => {
	for (const worker of workers) worker.child.stdin.end();
	await Promise.all(
		workers.map(
			async (worker) =>
				await new Promise((resolve) =>
					worker.child.exitCode !== null ? resolve(null) : worker.child.once('exit', resolve),
				),
		),
	);
	await simulator.close();
	rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => simulator.reset());

/** Both workers at once, each running `runs` executions at once. */
async function twoWorkers(file: string, runs: number): Promise<RunResult[]> {
	for (const worker of workers) worker.child.stdin.write(`${file} ${runs}\n`);
	const outputs = await Promise.all(workers.map(async (worker) => (await worker.lines.next()).value as string));
	return outputs.flatMap((line) => JSON.parse(line) as RunResult[]);
}

function credentialFile(name: string, data: Record<string, string>): FileCredentialStore {
	return new FileCredentialStore(path.join(folder, `${name}.json`), [
		{
			id: CREDENTIAL_ID,
			name: 'NemoVideo',
			type: 'nemoVideoApi',
			data: { baseUrl: simulator.url, apiToken: '', ...data },
		},
	]);
}

const tokenAnswers = () => simulator.log.filter((entry) => entry.method === 'POST' && entry.path === TOKEN_PATH);

describe('one credential, two worker processes, three executions each', () => {
	// The first token request is held back, so both workers ask before either has stored a token.
	const holdFirstTokenRequest = () =>
		simulator.injectFault({ method: 'POST', path: `^${TOKEN_PATH}$`, kind: 'delay', delayMs: 1500, times: 1 });

	it('first use with an empty Client ID: 6 of 6 succeed, one anonymous token under one Client ID', async () => {
		const store = credentialFile('cold', { clientId: '' });
		holdFirstTokenRequest();

		const results = await twoWorkers(path.join(folder, 'cold.json'), 3);

		expect(results.filter((r) => r.status === 'success' && r.available === 100)).toHaveLength(6);
		const answers = tokenAnswers();
		expect(answers.filter((entry) => entry.status === 200)).toHaveLength(1);
		// The other worker asked too and was told the client already holds a token: it read the stored one.
		expect(answers.filter((entry) => entry.status === 429).length).toBeGreaterThanOrEqual(1);
		const clientId = store.get(CREDENTIAL_ID)?.data.clientId;
		expect(clientId).toMatch(UUID);
		expect(new Set(answers.map((entry) => entry.clientId))).toEqual(new Set([clientId]));
	}, 60_000);

	it('after the stored token is rejected: 6 of 6 succeed, one new token', async () => {
		const clientId = '5d2c8a4e-6d1b-4c7e-9a55-0b8f2e1d7c90';
		const stale = simulator.issueToken('anonymous', { clientId });
		simulator.expireToken(stale);
		const store = credentialFile('stale', { clientId, sessionToken: stale });
		holdFirstTokenRequest();

		const results = await twoWorkers(path.join(folder, 'stale.json'), 3);

		expect(results.filter((r) => r.status === 'success' && r.available === 100)).toHaveLength(6);
		expect(tokenAnswers().filter((entry) => entry.status === 200)).toHaveLength(1);
		const stored = store.get(CREDENTIAL_ID)?.data.sessionToken;
		expect(stored).toMatch(/^nmv_usr_/);
		expect(stored).not.toBe(stale);
	}, 60_000);
});
