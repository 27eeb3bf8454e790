import { checkResult, correctionFor, durationTolerance } from '../../../nodes/NemoVideoCreateVideo/actions/checks';
import { creditsFor, instructionFor, type VideoRequest } from '../../../nodes/NemoVideoCreateVideo/actions/request';
import { summarizeDraft } from '../../../nodes/shared/timeline';

/** The request → instruction and result → checks rules of Create Video, on plain data. */

const request: VideoRequest = {
	durationSeconds: 10,
	format: 'landscape',
	transitions: 'crossfade',
	music: { genre: 'Lo-fi', volumePercent: 35 },
	title: 'Urban Dreams',
	animate: false,
};

const draft = (durationMs: number, extra: object[] = []) => ({
	t: [{ tt: 0, sg: [{ name: 'a.jpg', s: 0, d: durationMs }] }, ...extra],
	d: durationMs,
	m: { title: 'x', width: 1920, height: 1080 },
});
const bgm = (volume: number, name = 'Lo-fi', d = 10000) => ({ tt: 1, name, volume, sg: [{ name, s: 0, d, volume }] });
const title = (text: string) => ({ tt: 7, sg: [{ name: text, text, s: 0, d: 3000 }] });

describe('Create Video request and checks', () => {
	it('the instruction names every asked property, and free text comes last', () => {
		expect(instructionFor({ ...request, extra: 'Keep the colours warm.' }, 3)).toBe(
			'Turn these 3 photos into a video exactly 10 seconds long, in 16:9 landscape format, 1920x1080 (1080p), with smooth crossfade transitions between the photos, with Lo-fi background music at 35% volume, with the title "Urban Dreams" at the start. Keep the colours warm.',
		);
		expect(
			instructionFor({ ...request, animate: true, music: undefined, title: undefined, durationSeconds: 5 }, 1),
		).toBe(
			'Animate this image into a video clip with smooth motion, exactly 5 seconds long, in 16:9 landscape format, 1920x1080 (1080p), with no background music, with no title text.',
		);
	});

	it('credits: about 50 for a slideshow, 100 for a generated clip (also when the free text asks for one)', () => {
		expect(creditsFor(request)).toBe(50);
		expect(creditsFor({ ...request, animate: true })).toBe(100);
		expect(creditsFor({ ...request, extra: 'and animate the last photo' })).toBe(100);
	});

	it('everything as asked: four passing checks', () => {
		const checks = checkResult(request, { timeline: summarizeDraft(draft(10000, [bgm(0.35), title('Urban Dreams')])) });
		expect(checks.map((check) => [check.name, check.pass])).toEqual([
			['duration', true],
			['resolution', true],
			['music', true],
			['title', true],
		]);
	});

	it('the file wins over the timeline for duration and size; a duration passes within 0.5 s or 5 %', () => {
		const timeline = summarizeDraft(draft(10000, [bgm(0.35), title('Urban Dreams')]));
		expect(durationTolerance(10)).toBe(0.5);
		expect(durationTolerance(60)).toBe(3);
		const near = checkResult(request, {
			timeline,
			video: { durationSeconds: 10.4, width: 1920, height: 1080, source: 'mp4' },
		});
		expect(near[0]).toEqual({ name: 'duration', asked: '10 s', got: '10.4 s', pass: true, source: 'mp4' });
		const wrong = checkResult(request, {
			timeline,
			video: { durationSeconds: 15, width: 1080, height: 1920, source: 'mp4' },
		});
		expect(wrong.slice(0, 2).map((check) => [check.got, check.pass])).toEqual([
			['15 s', false],
			['1080x1920', false],
		]);
	});

	it('missing music, a wrong volume, another title and an unasked title fail, saying what came back', () => {
		expect(checkResult(request, { timeline: summarizeDraft(draft(10000)) }).slice(2)).toEqual([
			{ name: 'music', asked: 'Lo-fi, 35%', got: 'no music track', pass: false, source: 'timeline' },
			{ name: 'title', asked: '"Urban Dreams"', got: 'no title track', pass: false, source: 'timeline' },
		]);
		const other = checkResult(request, { timeline: summarizeDraft(draft(10000, [bgm(0.8), title('My Video')])) });
		expect(other.slice(2).map((check) => [check.got, check.pass])).toEqual([
			['Lo-fi, 80%', false],
			['"My Video"', false],
		]);
		const unasked = checkResult(
			{ ...request, music: undefined, title: undefined },
			{ timeline: summarizeDraft(draft(10000, [bgm(0.35), title('Hi')])) },
		);
		expect(unasked.slice(2).map((check) => [check.asked, check.got, check.pass])).toEqual([
			['none', 'Lo-fi', false],
			['none', '"Hi"', false],
		]);
	});

	it('the correction names only what is wrong, with the asked values', () => {
		const checks = checkResult(request, {
			timeline: summarizeDraft(draft(5000, [bgm(0.35, 'Lo-fi', 5000), title('My Video')])),
		});
		expect(
			correctionFor(
				request,
				checks.filter((check) => !check.pass),
			),
		).toBe(
			'Please correct the video: make the video exactly 10 seconds long (it is 5 s now); show the title "Urban Dreams" at the start (it is "My Video" now). Keep everything else as it is.',
		);
	});
});
