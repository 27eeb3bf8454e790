/**
 * A dependency loaded on its first use instead of when the node file is: n8n requires every
 * installed node at start, and undici, form-data, eventsource-parser and mp4box together made
 * most of this package's share of it (see BENCHMARKS.md, "Load time"). Pass a function that calls
 * `require` with a literal name, so bundlers and `npm ls` still see the dependency.
 */
export function lazyModule<T>(load: () => T): () => T {
	let loaded: T | undefined;
	return () => (loaded ??= load());
}
