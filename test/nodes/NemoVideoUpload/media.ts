import { closeSync, ftruncateSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { png } from '../../helpers/media';

/** Small media files with real signatures, for upload tests. */

export { jpeg, png } from '../../helpers/media';

export const SAMPLE_MP4 = join(__dirname, '../../../simulator/assets/sample-5s.mp4');

export function sampleMp4(): Buffer {
	return readFileSync(SAMPLE_MP4);
}

/** Writes a PNG header, then extends the file (sparse, no real disk writes) to `bytes`. */
export function sparsePng(path: string, bytes: number): string {
	writeFileSync(path, png(640, 480));
	const fd = openSync(path, 'r+');
	try {
		ftruncateSync(fd, bytes);
	} finally {
		closeSync(fd);
	}
	return path;
}
