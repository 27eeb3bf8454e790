/** A byte count in the words every node's messages use: `28.6 KB`, `200 MB`, `512 bytes` (1 KB = 1024 bytes). */
export function formatBytes(bytes: number): string {
	const mb = bytes / 1024 / 1024;
	if (mb >= 1) return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
	return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;
}
