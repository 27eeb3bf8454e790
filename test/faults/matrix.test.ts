/**
 * npm run test:faults: the whole fault matrix, cells run a few at a time (each has its own
 * simulator), then RELIABILITY.md is written and each cell is reported as its own test.
 */
import { runCell, type CellResult } from './cell';
import { concurrencySection, runConcurrencyCells } from './concurrency';
import { FAULT_KINDS, type Expected, type FaultKind } from './faultKinds';
import { writeReport } from './report';
import { SPECIAL_CELLS } from './specialCells';
import { TARGETS, type Target } from './targets';

const IN_FLIGHT = 6;

interface PlannedCell {
	id: string;
	target: Target;
	fault: FaultKind;
	expected: Expected;
}

const planned: PlannedCell[] = [
	...FAULT_KINDS.flatMap((fault) => TARGETS.map((target) => ({ target, fault, expected: fault.expected(target) }))),
	...SPECIAL_CELLS,
].map((cell) => ({ ...cell, id: `${cell.fault.name} × ${cell.target.name}` }));

const results = new Map<string, CellResult>();
let concurrency: Awaited<ReturnType<typeof runConcurrencyCells>> = [];

beforeAll(async () => {
	const queue = [...planned];
	await Promise.all(
		Array.from({ length: IN_FLIGHT }, async () => {
			for (let cell = queue.shift(); cell; cell = queue.shift()) {
				try {
					results.set(cell.id, await runCell(cell.target, cell.fault, cell.expected));
				} catch (error) {
					results.set(cell.id, {
						fault: cell.fault.name,
						target: cell.target.name,
						expected: cell.expected,
						observed: {
							outcome: 'error',
							message: `the cell itself broke: ${(error as Error).message}`,
							created: 0,
							routeHits: 0,
							requests: 0,
							tokenRequests: 0,
							leaks: 0,
						},
						pass: false,
						why: 'the cell could not run',
					});
				}
			}
		}),
	);
	concurrency = await runConcurrencyCells();
	writeReport(
		planned.map((cell) => results.get(cell.id)!),
		[concurrencySection(concurrency)],
	);
}, 15 * 60_000);

describe('fault matrix', () => {
	it.each(planned.map((cell) => cell.id))('%s', (id) => {
		const result = results.get(id)!;
		expect(result.pass ? 'pass' : `${result.why}; observed ${JSON.stringify(result.observed)}`).toBe('pass');
	});
});

describe('concurrency', () => {
	it('every concurrent cell passes', () => {
		expect(concurrency.filter((cell) => !cell.pass)).toEqual([]);
		expect(concurrency.length).toBeGreaterThan(0);
	});
});
