/** Small seeded PRNG (mulberry32) plus helpers; every random choice of the simulator goes through it. */
import { createHash } from 'crypto';

export interface Rng {
	(): number;
	int(minInclusive: number, maxInclusive: number): number;
	pick<T>(items: readonly T[]): T;
	chance(p: number): boolean;
}

export function makeRng(seed: number): Rng {
	let a = seed >>> 0;
	const next = (() => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}) as Rng;
	next.int = (min, max) => min + Math.floor(next() * (max - min + 1));
	next.pick = (items) => items[Math.floor(next() * items.length)];
	next.chance = (p) => next() < p;
	return next;
}

/** A reproducible sub-stream: the same (seed, label, n) always gives the same sequence. */
export function deriveRng(seed: number, label: string, n = 0): Rng {
	const h = createHash('sha256').update(`${seed}:${label}:${n}`).digest();
	return makeRng(h.readUInt32LE(0));
}

export function randomSeed(): number {
	return Math.floor(Math.random() * 0x7fffffff);
}
