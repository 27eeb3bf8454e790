import { NemoVideoError } from '../../shared/transport';
import { formatBytes } from '../../shared/formatBytes';

/**
 * n8n's `database` binary store (the default in queue mode) buffers a whole file and refuses one
 * over N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE (512 MiB by default, at most 1024) with n8n-core's
 * FileTooLargeError: "… exceeds the max size limit of 512 MB set for `database` mode …". The
 * download itself was fine, so "the download broke, re-run it" would be wrong: running again fails
 * the same way. Returns the error in words that name the limit and the fixes, or undefined when
 * `error` is something else.
 */
export function binaryStoreLimitError(error: unknown, bytes: number): NemoVideoError | undefined {
	const name = (error as { constructor?: { name?: string } })?.constructor?.name ?? '';
	const message = (error as Error)?.message ?? '';
	const limit = /exceeds the max size limit of ([\d.]+) ?MB set for `?database`? mode/i.exec(message);
	if (!limit && name !== 'FileTooLargeError') return undefined;
	// n8n compares MiB and calls them MB; formatBytes does the same, so both figures read alike.
	const cap = limit ? `${limit[1]} MB` : 'its size limit';
	return new NemoVideoError(
		`The video (${formatBytes(bytes)}) is larger than n8n's database binary store accepts (${cap}, N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE)`,
		{
			kind: 'fileSize',
			hint:
				'Nothing broke and the render is still on NemoVideo, but running again fails the same way: n8n keeps binary data in its database here (the default in queue mode). ' +
				'Fix it in one of these ways: a shared filesystem store (N8N_DEFAULT_BINARY_DATA_MODE=filesystem with the same N8N_STORAGE_PATH folder on the main and every worker), ' +
				'S3 (N8N_DEFAULT_BINARY_DATA_MODE=s3; needs an n8n license with S3 storage), a higher N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE (at most 1024; every process then holds whole files in memory), ' +
				'or Output "URL Only", which passes the video\'s URL on instead of the file.',
		},
	);
}
