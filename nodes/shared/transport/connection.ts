/** Everything the transport needs to address NemoVideo on behalf of one credential. */
export interface NemoVideoConnection {
	baseUrl: string;
	clientId: string;
	skillSource: string;
	skillVersion: string;
	skillPlatform: string;
	/** A registered account token; when empty the credential's anonymous token is used. */
	apiToken: string;
	/** The anonymous token n8n obtained and stored through the credential's preAuthentication. */
	sessionToken: string;
	/** The anonymous token's user id (`data.user_id`), stored with it; '' when unknown. */
	userId: string;
}

export const DEFAULT_BASE_URL = 'https://mega-api-prod.nemovideo.ai';

/** Reads the credential's fields into a connection; tolerant of missing values and stray spaces. */
export function connectionFromCredentials(data: Record<string, unknown>): NemoVideoConnection {
	const text = (key: string, fallback = '') => {
		const value = data[key];
		return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
	};
	const source = text('skillSource', 'picture-to-video');
	return {
		baseUrl: text('baseUrl', DEFAULT_BASE_URL).replace(/\/+$/, ''),
		clientId: text('clientId'),
		skillSource: source === 'custom' ? text('customSkillSource', 'picture-to-video') : source,
		skillVersion: text('skillVersion', '1.0.0'),
		skillPlatform: text('skillPlatform', 'n8n'),
		apiToken: text('apiToken'),
		sessionToken: text('sessionToken'),
		userId: text('userId'),
	};
}

export function isAnonymous(connection: NemoVideoConnection): boolean {
	return connection.apiToken === '';
}

/**
 * Whether an absolute URL is on the base URL's own origin (scheme, host and port), the only place
 * the token, Client ID and attribution headers may go. A text prefix is not enough:
 * `https://api.example.evil.test/` and `https://api.example@evil.test/` both start with
 * `https://api.example`.
 */
export function isOwnOrigin(connection: NemoVideoConnection, url: string): boolean {
	try {
		return new URL(url).origin === new URL(connection.baseUrl).origin;
	} catch {
		return false;
	}
}

/** The three attribution headers every call carries; without them export fails with HTTP 402. */
export function attributionHeaders(connection: NemoVideoConnection): Record<string, string> {
	return {
		'x-skill-source': connection.skillSource,
		'x-skill-version': connection.skillVersion,
		'x-skill-platform': connection.skillPlatform,
	};
}
