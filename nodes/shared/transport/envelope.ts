/** Parses a response body as JSON; `undefined` when it is not JSON (HTML error page, truncated). */
export function parseJson(text: string): unknown {
	if (text.trim() === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

export type Unwrapped = { ok: true; data: unknown } | { ok: false; code?: number; message?: string };

/**
 * Unwraps both NemoVideo envelopes: `{code, message, data}` (code 0 is success, even on any other
 * field) and the render endpoints' `{success, data | error}`. A render failure may carry the same
 * codes as the other endpoints (`{success:false, code:1002, error}`, or `error: {code, message}`):
 * they are kept, so it is mapped like any other answer. Anything else counts as data.
 */
export function unwrapEnvelope(body: unknown): Unwrapped {
	if (!isRecord(body)) return { ok: true, data: body };
	if (typeof body.success === 'boolean') {
		if (body.success) return { ok: true, data: body.data };
		const nested = isRecord(body.error) ? body.error : undefined;
		const code = codeOf(body.code ?? body.error_code ?? body.errorCode ?? nested?.code);
		const message = textOf(
			nested ? (nested.message ?? nested.msg ?? body.message) : (body.error ?? body.message ?? body.msg),
		);
		return { ok: false, code: code === 0 ? undefined : code, message };
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
	const plain = text
		.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A numeric code, also when sent as a string ("1002"); undefined when there is none. */
function codeOf(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const code = Number(value);
	return Number.isFinite(code) ? code : undefined;
}

function textOf(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	return typeof value === 'string' ? value : JSON.stringify(value);
}
