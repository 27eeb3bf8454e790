import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** One stored credential, as n8n keeps it in its `credentials_entity` table (decrypted here). */
export interface HarnessCredential {
	id: string;
	name: string;
	/** Credential type name, e.g. `nemoVideoApi`. */
	type: string;
	data: ICredentialDataDecryptedObject;
}

/** One write made through the credentials helper (`updateCredentials`, i.e. preAuthentication). */
export interface CredentialUpdate {
	id: string;
	type: string;
	data: ICredentialDataDecryptedObject;
	at: Date;
}

/**
 * In-memory stand-in for n8n's credentials table. Keep one instance across several `runWorkflow`
 * calls to reproduce n8n persisting a preAuthentication token between executions.
 * Values handed out are copies: a node mutating what it got does not change the store.
 */
export class CredentialStore {
	private readonly rows = new Map<string, HarnessCredential>();

	/** Every write made by the credentials helper, oldest first. */
	readonly updates: CredentialUpdate[] = [];

	constructor(credentials: HarnessCredential[] = []) {
		for (const credential of credentials) this.add(credential);
	}

	/** Adds or replaces a credential (a test's own write: not counted in `updateCount`). */
	add(credential: HarnessCredential): this {
		this.rows.set(credential.id, clone(credential));
		return this;
	}

	/** A copy of the stored credential, or undefined. */
	get(id: string): HarnessCredential | undefined {
		const row = this.rows.get(id);
		return row ? clone(row) : undefined;
	}

	/** Finds a credential like n8n does for a node's `credentials` entry (id first, then name). */
	find(details: { id: string | null; name: string }, type: string): HarnessCredential | undefined {
		if (details.id) {
			const row = this.rows.get(details.id);
			return row && row.type === type ? clone(row) : undefined;
		}
		for (const row of this.rows.values()) {
			if (row.type === type && row.name === details.name) return clone(row);
		}
		return undefined;
	}

	/** Replaces the stored data of a credential (what n8n's `CredentialsHelper.updateCredentials` does). */
	update(id: string, type: string, data: ICredentialDataDecryptedObject): void {
		const row = this.rows.get(id);
		if (!row || row.type !== type) {
			throw new Error(`CredentialStore: no credential with id "${id}" and type "${type}"`);
		}
		row.data = clone(data);
		this.updates.push({ id, type, data: clone(data), at: new Date() });
	}

	/** How many times the credentials helper wrote to the store (optionally for one credential). */
	updateCount(id?: string): number {
		return id === undefined ? this.updates.length : this.updates.filter((u) => u.id === id).length;
	}

	list(): HarnessCredential[] {
		return [...this.rows.values()].map(clone);
	}
}

function clone<T>(value: T): T {
	return structuredClone(value);
}
