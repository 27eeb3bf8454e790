import { binaryStoreLimitError } from '../../nodes/NemoVideoExport/actions/binaryStoreLimit';
import { NemoVideoError } from '../../nodes/shared/transport';

/** n8n-core's FileTooLargeError (2.41.1), as thrown by the database binary store. */
class FileTooLargeError extends Error {}
const n8nMessage = (capMb: number) =>
	`Failed to write binary file "render_1.mp4" (0b5c) because its size of 600 MB exceeds the max size limit of ${capMb} MB set for \`database\` mode. Consider increasing \`N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE\` up to 1 GB, or using S3 storage mode if you require writes larger than 1 GB.`;

describe('binaryStoreLimitError', () => {
	it('names the cap, the variable and the fixes instead of "the download broke"', () => {
		const error = binaryStoreLimitError(new FileTooLargeError(n8nMessage(512)), 600 * 1024 * 1024);
		expect(error).toBeInstanceOf(NemoVideoError);
		expect(error?.kind).toBe('fileSize');
		expect(error?.message).toMatch(/\(600 MB\).*\(512 MB, N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE\)/);
		expect(error?.hint).toMatch(/N8N_DEFAULT_BINARY_DATA_MODE=filesystem .*N8N_STORAGE_PATH/);
		expect(error?.hint).toMatch(/S3/);
		expect(error?.hint).toMatch(/Output "URL Only"/);
		expect(`${error?.message} ${error?.hint}`).not.toMatch(/download broke|run the Download operation/);
	});

	it('recognises the error class by name when the wording changes', () => {
		expect(binaryStoreLimitError(new FileTooLargeError('too big'), 10)?.message).toMatch(/its size limit/);
	});

	it('leaves other errors alone', () => {
		expect(binaryStoreLimitError(new Error('socket hang up'), 10)).toBeUndefined();
		expect(binaryStoreLimitError(undefined, 10)).toBeUndefined();
	});
});
