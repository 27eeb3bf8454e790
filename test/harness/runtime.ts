/**
 * One-time n8n-core setup per module registry (= per jest test file): DI container services,
 * BinaryDataService in filesystem mode on the harness temp root, cleanup after the file's tests.
 */
import { binaryDataDir, disposeHarnessRoot, harnessRoot } from './env';

import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	Cipher,
	EncryptionKeyProxy,
	ExternalSecretsProxy,
	InstanceSettings,
	type KeyInfo,
} from 'n8n-core';

let ready: Promise<void> | undefined;

/** Initialises n8n-core's DI services once; safe to call from every `runWorkflow`. */
export async function ensureRuntime(): Promise<void> {
	ready ??= (async () => {
		const config = Container.get(BinaryDataConfig);
		config.mode = 'filesystem';
		config.localStoragePath = binaryDataDir;
		await Container.get(BinaryDataService).init();

		// n8n's CLI backs the key proxy with its database; here a single legacy (no-prefix) key
		// wraps the instance key, so n8n-core's `Credentials` objects can encrypt/decrypt.
		const instanceKey = Container.get(InstanceSettings).encryptionKey;
		const key: KeyInfo = {
			id: 'harness',
			value: Container.get(Cipher).encryptDEKWithInstanceKey(instanceKey),
			algorithm: 'aes-256-cbc',
			format: 'no-prefix',
		};
		Container.get(EncryptionKeyProxy).setProvider({
			getActiveKey: async () => key,
			getKeyById: async (id) => (id === key.id ? key : null),
			getLegacyKey: async () => key,
		});
	})();
	await ready;
}

export function binaryDataService(): BinaryDataService {
	return Container.get(BinaryDataService);
}

export function externalSecretsProxy(): ExternalSecretsProxy {
	return Container.get(ExternalSecretsProxy);
}

/** Removes the harness temp folder (binary data, n8n user folder). Registered with jest's afterAll. */
export function disposeRuntime(): void {
	disposeHarnessRoot();
}

export { harnessRoot, binaryDataDir };

// Under jest, remove the temp folder once the importing test file is done.
const jestAfterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
if (typeof jestAfterAll === 'function') {
	try {
		jestAfterAll(() => disposeRuntime());
	} catch {
		// imported from inside a test: jest refuses hooks there; the OS temp folder remains
	}
}
