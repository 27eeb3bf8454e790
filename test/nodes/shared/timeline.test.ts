import { describeTimelineChange, isDraftReady, summarizeDraft } from '../../../nodes/shared/timeline';

const draft = {
	t: [
		{ tt: 0, sg: [{ name: 'city timelapse', s: 0, d: 10000 }] },
		{ tt: 1, sg: [{ name: 'Lo-fi', s: 0, d: 10000, volume: 0.35 }] },
		{ tt: 7, sg: [{ text: 'Urban Dreams', s: 0, d: 3000 }] },
	],
	m: { title: 'Urban Dreams', width: 1920, height: 1080 },
};

describe('timeline summary', () => {
	it('reads the short-key draft as the contract’s one-line summary', () => {
		expect(summarizeDraft(draft).summary).toBe(
			'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)',
		);
	});

	it('gives duration, size and per-track facts for workflows to route on', () => {
		const summary = summarizeDraft(draft);
		expect(summary).toMatchObject({
			readyToExport: true,
			durationSeconds: 10,
			width: 1920,
			height: 1080,
			title: 'Urban Dreams',
		});
		expect(summary.tracks.map((track) => track.type)).toEqual(['video', 'audio', 'title']);
	});

	it('counts clips of a slideshow track and lays them end to end when no start is given', () => {
		const slideshow = {
			t: [
				{
					tt: 0,
					sg: [
						{ name: 'a.jpg', d: 3000 },
						{ name: 'b.jpg', d: 3000 },
						{ name: 'c.jpg', d: 3000 },
					],
				},
			],
		};
		expect(summarizeDraft(slideshow).summary).toBe('Timeline (1 track): 1. Video: 3 clips (0-9s)');
	});

	it.each([
		['an empty draft', {}],
		['no draft at all', undefined],
		['tracks without segments', { t: [{ tt: 0, sg: [] }] }],
		['tracks that are not a list', { t: 'broken' }],
	])('is not ready to export with %s', (_name, value) => {
		expect(isDraftReady(value)).toBe(false);
		expect(summarizeDraft(value).readyToExport).toBe(false);
	});

	it('says in words what an edit changed', () => {
		const before = summarizeDraft({ t: [draft.t[0]] });
		const after = summarizeDraft(draft);
		expect(describeTimelineChange(before, after)).toEqual([
			'added BGM: Lo-fi (0-10s, 35%)',
			'added Title: "Urban Dreams" (0-3s)',
		]);
		expect(describeTimelineChange(after, after)).toEqual([]);
	});
});
