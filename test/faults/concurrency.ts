/**
 * Concurrency cells: six executions of one credential at once (one process, one credential store,
 * as n8n's main process runs them), in the states that make each of them want a token.
 */
import { startSimulator } from '../../simulator';
import { CREDENTIAL_ID, nemoNode, nemoVideoCredentials, runChain } from '../helpers/workflow';

const RUNS = 6;
const CLIENT_ID = '7d1c1e0a-3b52-4f0e-8a43-6c2f9e5b1d20';

export interface ConcurrencyCell {
	name: string;
	succeeded: number;
	runs: number;
	tokenRequests: number;
	clientIds: number;
	pass: boolean;
	errors: string[];
}

type Start = 'rejected' | 'empty' | 'emptyClientId';

const CASES: Array<{ name: string; start: Start }> = [
	{ name: 'stored anonymous token rejected', start: 'rejected' },
	{ name: 'no stored token yet (cold start)', start: 'empty' },
	{ name: 'cold start with an empty Client ID', start: 'emptyClientId' },
];

export async function runConcurrencyCells(): Promise<ConcurrencyCell[]> {
	const cells: ConcurrencyCell[] = [];
	for (const { name, start } of CASES) cells.push(await runConcurrent(name, start));
	return cells;
}

async function runConcurrent(name: string, start: Start): Promise<ConcurrencyCell> {
	const sim = await startSimulator({ quiet: true, seed: 7 });
	try {
		let sessionToken = '';
		if (start === 'rejected') {
			sessionToken = sim.issueToken('anonymous', { clientId: CLIENT_ID });
			sim.expireToken(sessionToken);
		}
		const credentials = nemoVideoCredentials(sim.url, {
			apiToken: '',
			sessionToken,
			clientId: start === 'emptyClientId' ? '' : CLIENT_ID,
		});
		const balance = nemoNode(
			'Credits',
			'nemoVideoCredits',
			{ operation: 'getBalance' },
			{ onError: 'continueRegularOutput' },
		);
		const runs = await Promise.all(Array.from({ length: RUNS }, async () => await runChain([balance], credentials)));
		const errors = runs
			.map((run) => run.output('Credits')[0]?.json.error as string | undefined)
			.filter((e): e is string => !!e);
		const succeeded = runs.filter((run) => run.status === 'success' && !run.output('Credits')[0]?.json.error).length;
		const tokenRequests = sim.log.filter((entry) => entry.path === '/api/auth/anonymous-token');
		const clientIds = new Set(tokenRequests.filter((entry) => entry.status === 200).map((entry) => entry.clientId))
			.size;
		const issued = tokenRequests.filter((entry) => entry.status === 200).length;
		const stored = credentials.get(CREDENTIAL_ID)?.data.clientId;
		const pass =
			succeeded === RUNS &&
			issued === 1 &&
			(start !== 'emptyClientId' || (clientIds === 1 && typeof stored === 'string' && stored !== ''));
		return {
			name,
			succeeded,
			runs: RUNS,
			tokenRequests: tokenRequests.length,
			clientIds,
			pass,
			errors: [...new Set(errors)],
		};
	} finally {
		await sim.close();
	}
}

export function concurrencySection(cells: ConcurrencyCell[]): string {
	return [
		'',
		'## Six executions of one credential at once',
		'',
		'One process, one credential store shared by six WorkflowExecute runs of Credits · Get Balance.',
		'Pass: all six succeed and exactly one anonymous token is issued (one Client ID).',
		'',
		'| start | succeeded | token requests | Client IDs issued to | pass | errors seen |',
		'|---|---|---|---|---|---|',
		...cells.map(
			(c) =>
				`| ${c.name} | ${c.succeeded} of ${c.runs} | ${c.tokenRequests} | ${c.clientIds} | ${c.pass ? 'yes' : '**no**'} | ${c.errors.join('; ').replace(/\|/g, '\\|').slice(0, 200)} |`,
		),
	].join('\n');
}
