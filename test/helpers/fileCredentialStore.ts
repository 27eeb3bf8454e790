import { readFileSync, renameSync, writeFileSync } from 'node:fs';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { CredentialStore, type HarnessCredential } from '../harness';

/**
 * A CredentialStore whose rows live in one JSON file that several processes share, the way queue-mode
 * workers share n8n's credentials table: every read goes to the file (n8n's CredentialsHelper reads
 * the database on every getCredentials), every write replaces it whole (last writer wins, like an
 * UPDATE of the row).
 */
export class FileCredentialStore extends CredentialStore {
	constructor(
		private readonly file: string,
		credentials?: HarnessCredential[],
	) {
		super();
		if (credentials) this.write(credentials);
	}

	add(credential: HarnessCredential): this {
		if (!this.file) return this; // the base constructor adds nothing
		this.write([...this.read().filter((row) => row.id !== credential.id), credential]);
		return this;
	}

	get(id: string): HarnessCredential | undefined {
		return this.read().find((row) => row.id === id);
	}

	find(details: { id: string | null; name: string }, type: string): HarnessCredential | undefined {
		return this.read().find(
			(row) => row.type === type && (details.id ? row.id === details.id : row.name === details.name),
		);
	}

	update(id: string, type: string, data: ICredentialDataDecryptedObject): void {
		const rows = this.read();
		const row = rows.find((r) => r.id === id && r.type === type);
		if (!row) throw new Error(`FileCredentialStore: no credential with id "${id}" and type "${type}"`);
		row.data = structuredClone(data);
		this.write(rows);
		this.updates.push({ id, type, data: structuredClone(data), at: new Date() });
	}

	list(): HarnessCredential[] {
		return this.read();
	}

	private read(): HarnessCredential[] {
		return JSON.parse(readFileSync(this.file, 'utf8')) as HarnessCredential[];
	}

	private write(rows: HarnessCredential[]): void {
		const temporary = `${this.file}.${process.pid}.tmp`;
		writeFileSync(temporary, JSON.stringify(rows));
		renameSync(temporary, this.file);
	}
}
