/**
 * Process environment for the in-process n8n runtime. Import this module before anything that
 * touches n8n-core's DI container: n8n's `@Config` classes (InstanceSettingsConfig, BinaryDataConfig,
 * SsrfProtectionConfig, logging) read `process.env` when they are first instantiated, and
 * InstanceSettings writes `<N8N_USER_FOLDER>/.n8n/config` (the encryption key) on first use.
 *
 * Jest gives every test file its own module registry and its own copy of `process.env`, so each
 * test file gets its own temporary root; `disposeHarnessRoot` (registered with `afterAll` by the
 * runtime) removes it.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const harnessRoot: string = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
export const binaryDataDir: string = path.join(harnessRoot, 'binary-data');

const env = process.env;
env.N8N_USER_FOLDER = harnessRoot;
env.N8N_ENCRYPTION_KEY ??= 'n8n-harness-encryption-key';
env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
env.N8N_BINARY_DATA_STORAGE_PATH = binaryDataDir;
env.N8N_LOG_LEVEL = env.HARNESS_N8N_LOG_LEVEL ?? 'silent';
env.N8N_DIAGNOSTICS_ENABLED = 'false';
env.N8N_VERSION_NOTIFICATIONS_ENABLED = 'false';
env.N8N_SSRF_PROTECTION_ENABLED = 'false';
env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
env.N8N_EXPRESSION_ENGINE = 'legacy';
// Requests to the tests' local servers must never go through a proxy from the environment.
const noProxy = [env.NO_PROXY ?? env.no_proxy, '127.0.0.1', 'localhost', '::1'].filter(Boolean);
env.NO_PROXY = env.no_proxy = noProxy.join(',');

let disposed = false;
export function disposeHarnessRoot(): void {
	if (disposed) return;
	disposed = true;
	rmSync(harnessRoot, { recursive: true, force: true });
}
