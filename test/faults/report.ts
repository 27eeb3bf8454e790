/** Writes RELIABILITY.md from the cells that ran: one row per cell, then the totals. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CellResult } from './cell';
import type { Expected } from './faultKinds';

const describe = (expected: Expected) =>
	expected.outcome === 'error' ? `error matching \`${expected.message.source}\`` : expected.outcome;

const cellText = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 180);

export function writeReport(
	results: CellResult[],
	extraSections: string[],
	file = join(__dirname, '../../RELIABILITY.md'),
): void {
	const passed = results.filter((r) => r.pass).length;
	const cancels = results
		.map((r) => r.observed.cancelMs)
		.filter((ms): ms is number => ms !== undefined)
		.sort((a, b) => a - b);
	const leaks = results.reduce((sum, r) => sum + r.observed.leaks, 0);
	const lines = [
		'# Reliability: the fault matrix',
		'',
		'Written by `npm run test:faults` (test/faults/): every fault the simulator injects × every node',
		"operation it applies to, each cell in its own simulator, the nodes running in n8n-core's",
		'WorkflowExecute. "created" counts what the call under test made on the service (sessions, files,',
		'edits, renders): a creating call that ran twice would show 2. Do not edit by hand.',
		'',
		`**${passed} of ${results.length} cells pass.** Token leaks in outputs and errors: ${leaks}.` +
			(cancels.length
				? ` Cancel latency (stop → execution ended), ${cancels.length} stopped cells: median ${cancels[Math.floor(cancels.length / 2)]} ms, max ${cancels.at(-1)} ms.`
				: ''),
		'',
		'| fault | node · operation | expected | observed | created | route hits | pass |',
		'|---|---|---|---|---|---|---|',
		...results.map((r) => {
			const o = r.observed;
			const seen = `${o.outcome}${o.message ? `: ${cellText(o.message)}` : ''}${o.cancelMs !== undefined ? ` (ended ${o.cancelMs} ms after the stop)` : ''}`;
			return `| ${r.fault} | ${r.target} | ${describe(r.expected)} | ${seen} | ${o.created} | ${o.routeHits} | ${r.pass ? 'yes' : `**no**: ${r.why}`} |`;
		}),
		...extraSections,
		'',
	];
	writeFileSync(file, lines.join('\n'));
}
