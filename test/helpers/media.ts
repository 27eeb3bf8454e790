/** Tiny media headers with real signatures, for tests that upload or sniff files. */

/** A PNG header (signature + IHDR with the given size), padded with `extra` bytes. */
export function png(width: number, height: number, extra = 64): Buffer {
	const b = Buffer.alloc(33 + extra, 7);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
	b.writeUInt32BE(13, 8);
	b.write('IHDR', 12, 'latin1');
	b.writeUInt32BE(width, 16);
	b.writeUInt32BE(height, 20);
	return b;
}

/** A JPEG: SOI, APP0, then SOF0 with the given size. */
export function jpeg(width: number, height: number): Buffer {
	const app0 = Buffer.from([
		0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	]);
	const sof = Buffer.alloc(19);
	sof.writeUInt16BE(0xffc0, 0);
	sof.writeUInt16BE(17, 2);
	sof[4] = 8;
	sof.writeUInt16BE(height, 5);
	sof.writeUInt16BE(width, 7);
	return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.alloc(100, 1), Buffer.from([0xff, 0xd9])]);
}
