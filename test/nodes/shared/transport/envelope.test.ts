import type { Simulator } from '../../../../simulator';
import { getRender, NemoVideoError, startRender } from '../../../../nodes/shared/transport';
import { clientFor, quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../../helpers/simulator';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());

const RENDER_START = /^\/api\/render\/proxy\/lambda$/;
const RENDER_POLL = /^\/api\/render\/proxy\/lambda\/r_1$/;

async function failure(promise: Promise<unknown>): Promise<NemoVideoError> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(NemoVideoError);
	return error as NemoVideoError;
}

describe('render answers {success:false} are mapped by their code, like the {code} envelope', () => {
	it('a start for an unknown session ({success:false, code:1002} from the simulator) is "session not found", not "the API may have changed"', async () => {
		const error = await failure(
			startRender(clientFor(simulator, REGISTERED_TOKEN), {
				renderId: 'r_1',
				sessionId: 'no-such-session',
				draft: { t: [] },
				format: 'mp4',
				quality: 'high',
			}),
		);

		expect(error.kind).toBe('sessionNotFound');
		expect(error.code).toBe(1002);
		expect(error.message).toBe('NemoVideo session not found (NemoVideo said: session not found)');
		expect(error.hint).not.toMatch(/API may have changed/);
	});

	it.each([
		[
			'code beside error',
			{ success: false, code: 1002, error: 'session not found' },
			'sessionNotFound',
			1002,
			'session not found',
		],
		[
			'code as a string',
			{ success: false, code: '2001', message: 'insufficient credits' },
			'credits',
			2001,
			'insufficient credits',
		],
		[
			'error as an object',
			{ success: false, error: { code: 1002, message: 'session gone' } },
			'sessionNotFound',
			1002,
			'session gone',
		],
		['no code at all', { success: false, error: 'render queue full' }, 'request', undefined, 'render queue full'],
	])('a poll answered with %s', async (_name, body, kind, code, said) => {
		simulator.injectFault({ method: 'GET', path: RENDER_POLL.source, kind: 'status', status: 200, body });

		const error = await failure(getRender(clientFor(simulator, REGISTERED_TOKEN), 'r_1'));

		expect(error.kind).toBe(kind);
		expect(error.code).toBe(code);
		expect(error.message).toContain(`(NemoVideo said: ${said})`);
	});

	it('a token rejected inside a render answer ({success:false, code:1001}) is refreshed and the call made again', async () => {
		simulator.injectFault({
			method: 'POST',
			path: RENDER_START.source,
			kind: 'status',
			status: 200,
			body: { success: false, code: 1001, error: 'token expired' },
		});
		const client = clientFor(simulator, REGISTERED_TOKEN, { refreshed: REGISTERED_TOKEN });

		const error = await failure(
			startRender(client, {
				renderId: 'r_1',
				sessionId: 'no-such-session',
				draft: { t: [] },
				format: 'mp4',
				quality: 'high',
			}),
		);

		expect(client.tokenSource.refreshCalls).toEqual([REGISTERED_TOKEN]);
		expect(requestsTo(simulator, 'POST', RENDER_START)).toHaveLength(2);
		expect(error.kind).toBe('sessionNotFound');
	});
});
