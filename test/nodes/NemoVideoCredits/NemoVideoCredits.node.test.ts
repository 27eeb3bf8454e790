import type { Simulator } from '../../../simulator';
import { quietSimulator } from '../../helpers/simulator';
import { nemoNode, nemoVideoCredentials, runChain } from '../../helpers/workflow';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());

const credits = (minimumAvailable: number, extra = {}) =>
	nemoNode('Credits', 'nemoVideoCredits', { operation: 'getBalance', minimumAvailable }, extra);

describe('NemoVideo Credits', () => {
	it('Get Balance returns available, frozen and total credits', async () => {
		const result = await runChain([credits(0)], nemoVideoCredentials(simulator.url));

		expect(result.output('Credits')[0].json).toMatchObject({
			available: 10000,
			frozen: 0,
			total: 10000,
			sufficient: true,
		});
	});

	it('stops the pipeline when fewer credits than the minimum are available', async () => {
		const result = await runChain([credits(150)], nemoVideoCredentials(simulator.url, { apiToken: '' }));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Only 100 NemoVideo credits available, fewer than the 150 required');
		expect(JSON.stringify(result.error?.error)).toMatch(/Register a NemoVideo account/);
	});

	it('with On Error → Continue, the shortfall becomes an error item', async () => {
		const result = await runChain(
			[credits(20000, { onError: 'continueRegularOutput' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.output('Credits')[0].json.error).toMatch(/fewer than the 20000 required/);
	});
});
