import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { getCreditsBalance, isAnonymous, type NemoVideoClient } from '../../shared/transport';

/** Where an anonymous user registers (the service's `?bind=` link keeps the session's work). */
export const REGISTER_URL = 'https://nemovideo.ai/register';
export const TOP_UP_URL = 'https://nemovideo.ai/pricing';

export interface CreditsCheck {
	needed: number;
	available: number;
	enough: boolean;
	/** What to do when there are not enough: register (anonymous) or top up (registered). */
	fix: string;
}

/** Reads the balance (free) and compares it with what the next step will take. */
export async function checkCredits(client: NemoVideoClient, needed: number): Promise<CreditsCheck> {
	const balance = await getCreditsBalance(client);
	const userId = client.connection.userId;
	const fix = isAnonymous(client.connection)
		? `The free anonymous credits are used up. Register a NemoVideo account at ${REGISTER_URL}${userId ? `?bind=${encodeURIComponent(userId)}` : ''} (the link keeps this token's work), then put its API Token in the NemoVideo credential.`
		: `Top up your NemoVideo credits at ${TOP_UP_URL}, then run the workflow again.`;
	return { needed, available: balance.available, enough: balance.available >= needed, fix };
}

/** Refuses before anything is spent: nothing has been sent yet but the balance request. */
export function notEnoughCredits(
	ctx: IExecuteFunctions,
	itemIndex: number,
	check: CreditsCheck,
	what: string,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`Not enough NemoVideo credits: ${what} needs about ${check.needed}, ${check.available} available`,
		{ itemIndex, description: `${check.fix} Nothing was sent or spent.` },
	);
}
