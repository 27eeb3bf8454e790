/**
 * Cells outside the route × fault grid: faults that apply to one operation (an SSE stream cut,
 * credits at zero) and bad inputs, which must be refused before anything is sent.
 */
import type { Expected, FaultKind } from './faultKinds';
import { TARGETS, type Target } from './targets';

export interface SpecialCell {
	target: Target;
	fault: FaultKind;
	expected: Expected;
}

const target = (name: string) => {
	const found = TARGETS.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`no target ${name}`);
	return found;
};

/** The target with one parameter of the node under test replaced by a bad value. */
function withBadInput(name: string, parameter: string, value: string): Target {
	const base = target(name);
	return {
		...base,
		prepare: async (sim, token) => {
			const prepared = await base.prepare(sim, token);
			const nodes = prepared.nodes.map((node, index) =>
				index === prepared.nodes.length - 1
					? { ...node, parameters: { ...node.parameters, [parameter]: value } }
					: node,
			);
			return { ...prepared, nodes };
		},
	};
}

const badInput = (what: string): FaultKind => ({
	name: `bad input: ${what}`,
	inject: () => undefined,
	expected: () => ({ outcome: 'success' }),
	refusedLocally: true,
});
const refused = (message: RegExp): Expected => ({ outcome: 'error', message });

/** Faults of the answer, after the service stored the upload: the node must find the file, not send it again. */
const answerLost = (kind: 'resetAfterBody' | 'truncatedAnswer', name: string): FaultKind => ({
	name,
	inject: (sim, t) => sim.injectFault({ method: t.method, path: t.route, kind }),
	expected: () => ({ outcome: 'success' }),
});

export const SPECIAL_CELLS: SpecialCell[] = [
	...['Upload · URL', 'Upload · Binary File'].flatMap((name) => [
		{
			target: target(name),
			fault: answerLost('resetAfterBody', 'stored, then the connection reset'),
			expected: { outcome: 'success' } as Expected,
		},
		{
			target: target(name),
			fault: answerLost('truncatedAnswer', 'stored, then the answer cut short'),
			expected: { outcome: 'success' } as Expected,
		},
	]),
	{
		target: target('Edit · Send Prompt'),
		fault: {
			name: 'SSE stream cut mid-reply',
			inject: (sim) => sim.injectFault({ path: '^/run_sse$', kind: 'sseCut', afterBytes: 200 }),
			expected: () => ({ outcome: 'success' }),
		},
		expected: refused(/may have been applied/),
	},
	{
		target: target('Edit · Send Prompt'),
		fault: {
			name: 'credits at zero',
			inject: (sim) => sim.setCredits('nmv_sk_simulator', 0),
			expected: () => ({ outcome: 'success' }),
		},
		expected: refused(/Not enough NemoVideo credits/),
	},
	{
		target: target('Export · Render'),
		fault: {
			name: 'credits at zero (export is free)',
			inject: (sim) => sim.setCredits('nmv_sk_simulator', 0),
			expected: () => ({ outcome: 'success' }),
		},
		expected: { outcome: 'success' },
	},
	{
		target: withBadInput('Session · Get State', 'sessionId', ''),
		fault: badInput('empty Session ID'),
		expected: refused(/Session ID/),
	},
	{
		target: withBadInput('Edit · Send Prompt', 'sessionId', '   '),
		fault: badInput('blank Session ID'),
		expected: refused(/Session ID/),
	},
	{
		target: withBadInput('Edit · Send Prompt', 'prompt', '  '),
		fault: badInput('empty prompt'),
		expected: refused(/[Pp]rompt/),
	},
	{
		target: withBadInput('Upload · URL', 'urls', 'ftp://example.com/photo.jpg'),
		fault: badInput('ftp:// URL'),
		expected: refused(/URL/),
	},
	{
		target: withBadInput('Upload · URL', 'urls', 'https://example.com/%zz.jpg'),
		fault: badInput('malformed percent-escape'),
		expected: refused(/URL/),
	},
	{ target: withBadInput('Upload · URL', 'urls', ''), fault: badInput('no URL at all'), expected: refused(/URL/) },
	{
		target: withBadInput('Export · Get Status', 'renderId', ''),
		fault: badInput('empty Render ID'),
		expected: refused(/Render ID/),
	},
	{
		target: withBadInput('Export · Cancel', 'renderId', 'not a render id'),
		fault: badInput('malformed Render ID'),
		expected: refused(/Render ID/),
	},
];

// A refused input is judged on its own expectation, and on no request reaching the route.
for (const cell of SPECIAL_CELLS) if (cell.fault.refusedLocally) cell.fault.expected = () => cell.expected;
