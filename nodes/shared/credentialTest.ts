import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { connectionFromCredentials, probeCredential } from './transport';

/**
 * The credential's Test button. A function rather than the credential's declarative `test`
 * request: that one passes on any HTTP 200 (an HTML page included) and shows raw socket codes
 * such as ECONNREFUSED. n8n uses it because every node names it in `testedBy`.
 */
export async function nemoVideoApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const outcome = await probeCredential(connectionFromCredentials(credential.data ?? {}));
	return { status: outcome.ok ? 'OK' : 'Error', message: outcome.message };
}

export const credentialTest = { nemoVideoApiTest };
