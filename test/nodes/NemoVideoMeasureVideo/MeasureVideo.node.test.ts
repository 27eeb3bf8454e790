import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { makeMedia, type TestMedia } from './media';
import {
	bitrateKbps,
	ffmpegBlackRatio,
	ffmpegBlur,
	ffmpegFrozenRatio,
	ffmpegMeanAbsDifference,
	ffmpegPsnrFirstFrame,
	ffmpegSsimPerFrame,
	ffmpegTemporalInformation,
	frozenRatioByHand,
	laplacianVarianceByHand,
	lumaFrames,
	mean,
} from './reference';
import { measure } from './run';

let media: TestMedia;

beforeAll(() => {
	media = makeMedia();
});
afterAll(() => media.remove());

describe('NemoVideo Measure Video: fidelity to the source image', () => {
	it('a still image looped: first-frame SSIM ≈ 1, equal to ffmpeg’s ssim filter; PSNR equal to ffmpeg’s psnr filter', async () => {
		const { result, quality, sources } = await measure({ data: media.still, image: media.image });

		expect(result.status).toBe('success');
		const ffmpegSsim = ffmpegSsimPerFrame(media.still, media.image, 320, 240)[0];
		expect(quality.firstFrameSsim).toBeGreaterThan(0.99);
		expect(quality.firstFrameSsim).toBeCloseTo(ffmpegSsim, 4);
		expect(quality.firstFramePsnr).toBeCloseTo(ffmpegPsnrFirstFrame(media.still, media.image, 320, 240), 1);
		expect(sources[0]).toMatchObject({
			source: 1,
			imageSize: '320x240',
			comparedRegion: { x: 0, y: 0, width: 320, height: 240 },
		});
	});

	it('a 640×480 video: SSIM is taken at Wang’s scale (÷2), equal to ffmpeg’s ssim on frames halved by ffmpeg’s area scaler', async () => {
		const { quality, sources } = await measure({ data: media.still640, image: media.image640 });

		expect(sources[0]).toMatchObject({ ssimScale: 2, comparedRegion: { x: 0, y: 0, width: 640, height: 480 } });
		expect(quality.firstFrameSsim).toBeCloseTo(
			ffmpegSsimPerFrame(media.still640, media.image640, 640, 480, '', 2)[0],
			4,
		);
		expect(quality.firstFramePsnr).toBeCloseTo(ffmpegPsnrFirstFrame(media.still640, media.image640, 640, 480), 1);
	});

	it('several sources: each image’s best-matching frame is where the video shows it, with ffmpeg’s SSIM for that frame', async () => {
		const { quality, sources } = await measure(
			{ data: media.slideshow, image: media.image, second: media.image2 },
			{ sourceBinaryProperties: 'image, second' },
		);

		const perFrame = [media.image, media.image2].map((image) => ffmpegSsimPerFrame(media.slideshow, image, 320, 240));
		for (const [position, scores] of perFrame.entries()) {
			const best = Math.max(...scores);
			expect(sources[position].bestMatchSsim).toBeCloseTo(best, 4);
			// ffmpeg's score of the frame the node picked is the best (frames showing one image tie to 1e-5).
			expect(scores[sources[position].bestMatchFrame as number]).toBeCloseTo(best, 4);
		}
		expect(sources[0].bestMatchFrame as number).toBeLessThan(15);
		expect(sources[1].bestMatchFrame as number).toBeGreaterThanOrEqual(15);
		expect(sources[1].bestMatchSeconds).toBe((sources[1].bestMatchFrame as number) / 10);
		expect(sources[1].bestMatchSsim as number).toBeGreaterThan(0.99);
		// The first frame shows image 1, not image 2.
		expect(sources[1].firstFrameSsim as number).toBeLessThan(0.7);
		expect(quality.meanBestMatchSsim).toBeCloseTo(
			((sources[0].bestMatchSsim as number) + (sources[1].bestMatchSsim as number)) / 2,
			4,
		);
	});

	it('an image of another aspect (4:3 in a square frame): Contain compares only the area it covers, as ffmpeg does on that crop', async () => {
		const contain = await measure({ data: media.letterboxed, image: media.image });
		const stretch = await measure({ data: media.letterboxed, image: media.image }, { options: { fit: 'stretch' } });
		const cover = await measure({ data: media.letterboxed, image: media.image }, { options: { fit: 'cover' } });

		expect(contain.sources[0].comparedRegion).toEqual({ x: 0, y: 40, width: 320, height: 240 });
		const cropped = ffmpegSsimPerFrame(media.letterboxed, media.image, 320, 240, 'crop=320:240:0:40')[0];
		expect(contain.quality.firstFrameSsim).toBeCloseTo(cropped, 4);
		expect(contain.quality.firstFrameSsim as number).toBeGreaterThan(0.99);
		expect(stretch.quality.firstFrameSsim as number).toBeLessThan(0.8);
		expect(stretch.json.analysis).toMatchObject({ fit: 'stretch' });
		// Cover fills the square frame (the image cropped at its sides), so the bars count against it.
		expect(cover.sources[0].comparedRegion).toEqual({ x: 0, y: 0, width: 320, height: 320 });
		expect(cover.quality.firstFrameSsim as number).toBeLessThan(0.8);
	});
});

describe('NemoVideo Measure Video: temporal quality', () => {
	it('a still image looped: flicker score 1, no motion, frozen ratio 1 (freezedetect agrees), no black frames', async () => {
		const { temporal } = await measure({ data: media.still }, { sourceInput: 'none' });

		expect(temporal).toMatchObject({ flickerScore: 1, motionIntensity: 0, frozenFrameRatio: 1, blackFrameRatio: 0 });
		expect(ffmpegFrozenRatio(media.still)).toBeCloseTo(1, 2);
		expect(ffmpegMeanAbsDifference(media.still)).toBe(0);
	});

	it('frames alternating black and white: flicker score ≈ 0 and motion as ffmpeg’s tblend and siti compute them; half the frames black', async () => {
		const { temporal } = await measure({ data: media.alternating }, { sourceInput: 'none' });

		const difference = ffmpegMeanAbsDifference(media.alternating);
		expect(difference).toBeCloseTo(255, 0);
		expect(temporal.meanAbsFrameDifference).toBeCloseTo(difference, 2);
		expect(temporal.flickerScore).toBeCloseTo(1 - difference / 255, 3);
		expect(temporal.flickerScore as number).toBeLessThan(0.01);
		expect(temporal.frozenFrameRatio).toBe(0);
		expect(temporal.blackFrameRatio).toBeCloseTo(ffmpegBlackRatio(media.alternating), 3);
		expect(temporal.blackFrameRatio).toBe(0.5);
		const ti = ffmpegTemporalInformation(media.alternating);
		expect(temporal.motionIntensity as number).toBeCloseTo(mean(ti), 0);
	});

	it('a moving pattern: flicker, motion intensity (mean TI) and its maximum match ffmpeg within 0.5%; frozen ratio 0, as counted from the decoded frames', async () => {
		const { temporal } = await measure({ data: media.moving }, { sourceInput: 'none' });

		const difference = ffmpegMeanAbsDifference(media.moving);
		expect(temporal.flickerScore).toBeCloseTo(1 - difference / 255, 3);
		const ti = ffmpegTemporalInformation(media.moving);
		expect(Math.abs((temporal.motionIntensity as number) / mean(ti) - 1)).toBeLessThan(0.005);
		expect(Math.abs((temporal.temporalInformationMax as number) / Math.max(...ti) - 1)).toBeLessThan(0.005);
		expect(temporal.motionIntensity as number).toBeGreaterThan(10);
		expect(temporal.frozenFrameRatio).toBeCloseTo(frozenRatioByHand(media.moving), 4);
		expect(temporal.frozenFrameRatio).toBe(0);
	});

	it('1 s of black then 2 s of picture: black-frame ratio 1/3, as blackdetect measures', async () => {
		const { temporal } = await measure({ data: media.blackThenImage }, { sourceInput: 'none' });

		expect(ffmpegBlackRatio(media.blackThenImage)).toBeCloseTo(1 / 3, 3);
		expect(temporal.blackFrameRatio).toBeCloseTo(1 / 3, 4);
		// Frozen: 9 of the 10 black frames' steps and 19 of the picture's; freezedetect counts in time.
		expect(temporal.frozenFrameRatio).toBeCloseTo(frozenRatioByHand(media.blackThenImage), 4);
		expect(temporal.frozenFrameRatio).toBeCloseTo(28 / 29, 4);
		expect(
			Math.abs((temporal.frozenFrameRatio as number) - ffmpegFrozenRatio(media.blackThenImage)),
		).toBeLessThanOrEqual(1 / 29 + 1e-4);
	});
});

describe('NemoVideo Measure Video: sharpness, bitrate, request, run', () => {
	it('a blurred copy scores lower sharpness; each value is the Laplacian variance computed by hand on the same frames (blurdetect agrees on which is blurrier)', async () => {
		const sharp = await measure({ data: media.still }, { sourceInput: 'none' });
		const blurred = await measure({ data: media.blurred }, { sourceInput: 'none' });

		// 10 fps: every 2nd frame (about 5 per second), frames 0, 2, 4…
		const byHand = (video: string) =>
			mean(
				lumaFrames(video, 320, 240)
					.filter((_, i) => i % 2 === 0)
					.map(laplacianVarianceByHand),
			);
		expect(sharp.json.analysis).toMatchObject({ sharpnessFrames: 15 });
		expect(sharp.quality.sharpness).toBeCloseTo(byHand(media.still), 1);
		expect(blurred.quality.sharpness).toBeCloseTo(byHand(media.blurred), 1);
		expect(blurred.quality.sharpness as number).toBeLessThan((sharp.quality.sharpness as number) / 3);
		expect(ffmpegBlur(media.blurred)).toBeGreaterThan(ffmpegBlur(media.still));
	});

	it('average bitrate is file size over duration; asked vs got for duration, resolution and frame rate; Export’s metrics pass through', async () => {
		const exportMetrics = { submitToCompletionMs: 41_250, polls: 4, bytes: 12345 };
		const { json, quality } = await measure(
			{ data: media.still, image: media.image },
			{ expectedDurationSeconds: 3, expectedResolution: '1920x1080', expectedFrameRate: 10 },
			{ metrics: exportMetrics },
		);

		expect(quality.bitrateKbps as number).toBeCloseTo(bitrateKbps(media.still), 0);
		expect(json.request).toEqual({
			duration: { askedSeconds: 3, gotSeconds: 3, matches: true },
			resolution: { asked: '1920x1080', got: '320x240', matches: false },
			frameRate: { asked: 10, got: 10, matches: true },
			allMatch: false,
		});
		expect(json.run).toEqual({ renderId: 'render_test', ...exportMetrics });
		// The input's fields stay beside the measurement (Include Input Fields, on by default), so rows can be told apart.
		expect(json).toMatchObject({ renderId: 'render_test', metrics: exportMetrics });

		const alone = await measure(
			{ data: media.still },
			{ sourceInput: 'none', options: { includeInputFields: false } },
			{ metrics: exportMetrics },
		);
		expect(Object.keys(alone.json).sort()).toEqual([
			'analysis',
			'quality',
			'request',
			'run',
			'sources',
			'summary',
			'temporal',
			'video',
		]);
		expect(json.video).toMatchObject({
			width: 320,
			height: 240,
			framesDecoded: 30,
			codec: 'h264',
			lumaRange: 'limited',
		});
	});

	it('measures a video and an image given as URLs', async () => {
		const server: Server = createServer((request, response) => {
			const file = request.url === '/video.mp4' ? media.still : request.url === '/image.png' ? media.image : undefined;
			if (!file) return void response.writeHead(404).end();
			response.writeHead(200).end(readFileSync(file));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		try {
			const { quality, json } = await measure(
				{},
				{ videoInput: 'url', videoUrl: `${base}/video.mp4`, sourceInput: 'url', sourceUrls: `${base}/image.png` },
			);
			expect(quality.firstFrameSsim as number).toBeGreaterThan(0.99);
			expect(json.video).toMatchObject({ source: `${base}/video.mp4` });

			const missing = await measure({}, { videoInput: 'url', videoUrl: `${base}/gone.mp4`, sourceInput: 'none' });
			expect(missing.result.error?.message).toBe(`Downloading ${base}/gone.mp4 failed with HTTP 404`);
		} finally {
			server.close();
		}
	});
});

describe('NemoVideo Measure Video: errors', () => {
	it('without ffmpeg, the error names both fixes: install ffmpeg, or set FFmpeg Path', async () => {
		const { result } = await measure(
			{ data: media.still },
			{ sourceInput: 'none', options: { ffmpegPath: '/nonexistent/ffmpeg' } },
		);

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^ffprobe was not found \(tried "\/nonexistent\/ffprobe"\)/);
		const description = String((result.error?.error as { description?: string }).description);
		expect(description).toMatch(/apt-get install ffmpeg/);
		expect(description).toMatch(/FFmpeg Path/);
	});

	it('a file that is not a video fails the item with ffmpeg’s words; with On Error → Continue it becomes an error item', async () => {
		const notVideo = join(media.dir, 'notes.mp4');
		writeFileSync(notVideo, 'these are notes, not a video');
		const failed = await measure({ data: notVideo, image: media.image });
		const continued = await measure({ data: notVideo, image: media.image }, {}, { onError: 'continueRegularOutput' });

		expect(failed.result.status).toBe('error');
		expect(failed.result.error?.message).toBe(
			'ffprobe failed (exit code 1): video: Invalid data found when processing input',
		);
		expect(continued.result.status).toBe('success');
		expect(continued.result.output('Measure')[0].json.error).toBe(failed.result.error?.message);
	});

	it('a missing image field fails before anything is decoded, naming the field', async () => {
		const { result } = await measure({ data: media.still }, { sourceBinaryProperties: 'photo' });

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/photo/);
	});

	/** A folder whose ffmpeg hangs (writing its process ID first) beside the real ffprobe. */
	function hangingFfmpeg(name: string): { folder: string; pidFile: string } {
		const folder = join(media.dir, name);
		mkdirSync(folder);
		const pidFile = join(folder, 'pid');
		symlinkSync(execFileSync('sh', ['-c', 'command -v ffprobe'], { encoding: 'utf8' }).trim(), join(folder, 'ffprobe'));
		writeFileSync(join(folder, 'ffmpeg'), `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 600\n`);
		chmodSync(join(folder, 'ffmpeg'), 0o755);
		return { folder, pidFile };
	}
	const alive = (pid: number) => {
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	};

	it('past the Timeout option the item fails saying so, and ffmpeg is killed', async () => {
		const { folder, pidFile } = hangingFfmpeg('hangs-deadline');
		const { result } = await measure(
			{ data: media.still },
			{ sourceInput: 'none', options: { ffmpegPath: folder, timeoutSeconds: 1 } },
		);

		expect(result.error?.message).toBe('Measuring the video took longer than 1 s (the Timeout option)');
		expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
	});

	it('stopping the execution ends the run as canceled and kills ffmpeg', async () => {
		const { folder, pidFile } = hangingFfmpeg('hangs-cancel');
		const stop = new AbortController();
		const running = measure(
			{ data: media.still },
			{ sourceInput: 'none', options: { ffmpegPath: folder } },
			{ signal: stop.signal },
		);
		while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '')
			await new Promise((resolve) => setTimeout(resolve, 20));
		stop.abort();
		const { result } = await running;

		expect(result.status).toBe('canceled');
		expect(result.settled).toBe(true);
		expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
	});
});
