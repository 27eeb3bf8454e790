import type { IDataObject } from 'n8n-workflow';

import type { VideoMetrics } from './metrics';
import { round, type VideoFacts } from './probe';
import type { Fit, PreparedSource } from './sources';

/** What the request asked for (0 or '' = not asked), and how close "got" must be. */
export interface Requested {
	durationSeconds: number;
	resolution: string;
	frameRate: number;
	durationToleranceSeconds: number;
}

/** Frame rates within this many frames per second count as the one asked for (29.97 for 30). */
export const FRAME_RATE_TOLERANCE = 0.1;

export function parseResolution(text: string): { width: number; height: number } | undefined {
	const match = /^\s*(\d+)\s*[x×*:]\s*(\d+)\s*$/i.exec(text);
	if (!match) return undefined;
	return { width: Number(match[1]), height: Number(match[2]) };
}

/** Asked vs got for each thing the request named, and whether all of them match. */
export function compareRequest(requested: Requested, facts: VideoFacts): IDataObject | null {
	const checks: IDataObject = {};
	if (requested.durationSeconds > 0) {
		const got = facts.durationSeconds;
		checks.duration = {
			askedSeconds: requested.durationSeconds,
			gotSeconds: got === null ? null : round(got, 3),
			matches: got !== null && Math.abs(got - requested.durationSeconds) <= requested.durationToleranceSeconds,
		};
	}
	const asked = parseResolution(requested.resolution);
	if (asked) {
		checks.resolution = {
			asked: `${asked.width}x${asked.height}`,
			got: `${facts.width}x${facts.height}`,
			matches: asked.width === facts.width && asked.height === facts.height,
		};
	}
	if (requested.frameRate > 0) {
		checks.frameRate = {
			asked: requested.frameRate,
			got: facts.frameRate,
			matches: facts.frameRate !== null && Math.abs(facts.frameRate - requested.frameRate) <= FRAME_RATE_TOLERANCE,
		};
	}
	const names = Object.keys(checks);
	if (names.length === 0) return null;
	return { ...checks, allMatch: names.every((name) => (checks[name] as IDataObject).matches === true) };
}

const r4 = (value: number | null) => (value === null ? null : round(value, 4));
const r2 = (value: number | null) => (value === null ? null : round(value, 2));

export interface ReportInput {
	facts: VideoFacts;
	metrics: VideoMetrics;
	sources: PreparedSource[];
	fit: Fit;
	request: IDataObject | null;
	run: IDataObject | null;
	videoLabel: string;
	measuredMs: number;
}

/** The output item's JSON: flat quality figures first (for tables), then the details. */
export function buildReport(input: ReportInput): IDataObject {
	const { facts, metrics, sources } = input;
	const fps = facts.frameRate;
	const perSource = sources.map((source, position) => {
		const result = metrics.sources[position];
		return {
			source: position + 1,
			name: source.label,
			imageSize: `${source.imageWidth}x${source.imageHeight}`,
			comparedRegion: source.rect,
			ssimScale: source.factor,
			bestMatchSsim: r4(result.bestSsim),
			bestMatchFrame: result.bestFrame,
			bestMatchSeconds: fps ? round(result.bestFrame / fps, 3) : null,
			firstFrameSsim: r4(result.firstFrameSsim),
		};
	});
	const quality: IDataObject = {
		firstFrameSsim: perSource[0]?.firstFrameSsim ?? null,
		firstFramePsnr: r2(metrics.firstFramePsnr),
		meanBestMatchSsim: perSource.length
			? r4(perSource.reduce((sum, s) => sum + (s.bestMatchSsim ?? 0), 0) / perSource.length)
			: null,
		flickerScore: r4(metrics.flickerScore),
		motionIntensity: r2(metrics.motionIntensity),
		frozenFrameRatio: r4(metrics.frozenFrameRatio),
		blackFrameRatio: r4(metrics.blackFrameRatio),
		sharpness: r2(metrics.sharpness),
		bitrateKbps: facts.bitrateKbps,
	};
	const summary =
		`${facts.width}x${facts.height}, ${metrics.frames} frames` +
		(perSource.length ? `, first-frame SSIM ${quality.firstFrameSsim}` : '') +
		`, flicker score ${quality.flickerScore ?? 'n/a'}, frozen ${percent(metrics.frozenFrameRatio)}, black ${percent(metrics.blackFrameRatio)}` +
		(input.request ? `; request ${input.request.allMatch ? 'met' : 'not met'}` : '');
	return {
		quality,
		sources: perSource,
		temporal: {
			flickerScore: quality.flickerScore,
			meanAbsFrameDifference: r4(metrics.meanAbsFrameDifference),
			motionIntensity: quality.motionIntensity,
			temporalInformationMax: r2(metrics.temporalInformation),
			frozenFrameRatio: quality.frozenFrameRatio,
			blackFrameRatio: quality.blackFrameRatio,
		},
		video: {
			source: input.videoLabel,
			width: facts.width,
			height: facts.height,
			durationSeconds: facts.durationSeconds,
			frameRate: facts.frameRate,
			framesDecoded: metrics.frames,
			codec: facts.codec,
			pixelFormat: facts.pixelFormat,
			lumaRange: facts.range,
			colorMatrix: facts.matrixTagged ? facts.matrix : `${facts.matrix} (untagged, assumed)`,
			fileSizeBytes: facts.fileSizeBytes,
			bitrateKbps: facts.bitrateKbps,
			videoBitrateKbps: facts.videoBitrateKbps,
		},
		request: input.request,
		run: input.run,
		analysis: { fit: input.fit, sharpnessFrames: metrics.sharpnessFrames, measuredMs: input.measuredMs },
		summary,
	};
}

function percent(value: number | null): string {
	return value === null ? 'n/a' : `${Math.round(value * 1000) / 10}%`;
}
