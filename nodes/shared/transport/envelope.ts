/** Parses a response body as JSON; `undefined` when it is not JSON (HTML error page, truncated). */
export function parseJson(text: string): unknown {
	if (text.trim() === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

export type Unwrapped =
	| { ok: true; data: unknown }
	| { ok: false; code?: number; message?: string };

/**
 * Unwraps both NemoVideo envelopes: `{code, message, data}` (code 0 is success, even on any other
 * field) and the render endpoints' `{success, data | error}`. Anything else counts as data.
 */
export function unwrapEnvelope(body: unknown): Unwrapped {
	if (!isRecord(body)) return { ok: true, data: body };
	if (typeof body.success === 'boolean') {
		if (body.success) return { ok: true, data: body.data };
		return { ok: false, message: textOf(body.error ?? body.message) };
	}
	if (body.code !== undefined) {
		const code = Number(body.code);
		if (code === 0) return { ok: true, data: body.data };
		return { ok: false, code: Number.isFinite(code) ? code : undefined, message: textOf(body.message ?? body.msg) };
	}
	return { ok: true, data: body };
}

/** A short, tag-free excerpt of a non-JSON body for error messages. */
export function excerpt(text: string, max = 160): string {
	const plain = text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	return typeof value === 'string' ? value : JSON.stringify(value);
}
