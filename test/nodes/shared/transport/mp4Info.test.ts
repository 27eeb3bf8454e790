import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { Mp4HeaderCollector, mp4InfoTap } from '../../../../nodes/shared/transport/mp4Info';

const ASSETS = join(__dirname, '../../../../simulator/assets');
const sample = (seconds: number) => readFileSync(join(ASSETS, `sample-${seconds}s.mp4`));

/** Top-level boxes of a file: [type, start, size]. */
function boxes(file: Buffer): Array<[string, number, number]> {
	const found: Array<[string, number, number]> = [];
	for (let offset = 0; offset < file.length;) {
		const size = file.readUInt32BE(offset);
		found.push([file.toString('latin1', offset + 4, offset + 8), offset, size]);
		offset += size;
	}
	return found;
}

/** The same file with `moov` moved after the media data, as encoders write it without "faststart". */
function moovAtEnd(file: Buffer): Buffer {
	const parts = boxes(file).map(([type, start, size]) => ({ type, bytes: file.subarray(start, start + size) }));
	const moov = parts.filter((part) => part.type === 'moov');
	return Buffer.concat([...parts.filter((part) => part.type !== 'moov'), ...moov].map((part) => part.bytes));
}

function collect(file: Buffer, chunkSize: number) {
	const collector = new Mp4HeaderCollector();
	for (let offset = 0; offset < file.length; offset += chunkSize)
		collector.push(file.subarray(offset, offset + chunkSize));
	return collector;
}

describe('MP4 header reader', () => {
	it.each([5, 10, 15])('reads the simulator’s real %i s H.264 MP4: duration, size, frame rate, codec', (seconds) => {
		const collector = collect(sample(seconds), 64 * 1024);
		expect(collector.result()).toEqual({
			info: {
				durationSeconds: seconds,
				width: 1920,
				height: 1080,
				frameRate: 25,
				codec: expect.stringMatching(/^avc1\.64/),
				codecName: 'H.264',
				videoBitrateKbps: expect.any(Number),
				audioCodec: 'mp4a.40.2',
				headerAt: 'start',
			},
		});
		expect(collector.bytes).toBe(sample(seconds).length);
	});

	it('finds the header at the end of the file too, after the media data', () => {
		const file = moovAtEnd(sample(10));
		expect(boxes(file).map(([type]) => type)).toEqual(['ftyp', 'free', 'mdat', 'moov']);
		expect(collect(file, 4096).result().info).toMatchObject({
			durationSeconds: 10,
			width: 1920,
			frameRate: 25,
			headerAt: 'end',
		});
	});

	it('gives the same answer whatever the chunk boundaries, down to one byte at a time', () => {
		const file = sample(5);
		const expected = collect(file, file.length).result();
		for (const size of [1, 3, 7, 8, 9, 16, 1000]) expect(collect(file, size).result()).toEqual(expected);
	});

	it('skips a 64-bit-size box without keeping its bytes', () => {
		// A `free` box using the 16-byte header with a 64-bit size, then the real file.
		const free = Buffer.alloc(16 + 100_000);
		free.writeUInt32BE(1, 0);
		free.write('free', 4, 'latin1');
		free.writeBigUInt64BE(BigInt(free.length), 8);
		const file = sample(5);
		const [ftyp] = boxes(file);
		const padded = Buffer.concat([file.subarray(0, ftyp[2]), free, file.subarray(ftyp[2])]);
		expect(collect(padded, 777).result().info).toMatchObject({ durationSeconds: 5, headerAt: 'start' });
	});

	it('says why when the bytes are not an MP4', () => {
		expect(collect(Buffer.from('<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>'), 10).result()).toEqual({
			reason: 'not an MP4 file',
		});
		expect(new Mp4HeaderCollector().result()).toEqual({ reason: 'the file is empty' });
		const noHeader = Buffer.concat(
			boxes(sample(5))
				.filter(([type]) => type !== 'moov')
				.map(([, start, size]) => sample(5).subarray(start, start + size)),
		);
		expect(collect(noHeader, 100).result()).toEqual({ reason: 'no MP4 header (moov box) found' });
	});

	it('does not keep a header larger than its cap', () => {
		const collector = new Mp4HeaderCollector({ maxHeaderBytes: 1000 });
		collector.push(sample(5));
		expect(collector.result().reason).toBe('the MP4 header is larger than 1000 bytes');
	});

	it('as a stream tap, passes every byte through unchanged', async () => {
		const file = moovAtEnd(sample(15));
		const tap = mp4InfoTap();
		const received: Buffer[] = [];
		const chunks = Array.from({ length: Math.ceil(file.length / 1500) }, (_, i) =>
			file.subarray(i * 1500, (i + 1) * 1500),
		);
		await pipeline(
			Readable.from(chunks),
			tap.stream,
			new Writable({
				write(chunk: Buffer, _encoding, done) {
					received.push(chunk);
					done();
				},
			}),
		);
		expect(Buffer.compare(Buffer.concat(received), file)).toBe(0);
		expect(tap.bytes()).toBe(file.length);
		expect(tap.result().info).toMatchObject({ durationSeconds: 15, codecName: 'H.264', headerAt: 'end' });
	});
});
