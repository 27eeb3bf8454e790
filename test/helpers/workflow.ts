import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { INode, INodeParameters, INodeType } from 'n8n-workflow';

import { NemoVideoApi } from '../../credentials/NemoVideoApi.credentials';
import {
	chain,
	CredentialStore,
	MANUAL_TRIGGER_TYPE,
	node,
	nodeTypesOf,
	runWorkflow,
	type RunOptions,
	type WorkflowRunResult,
} from '../harness';
import { REGISTERED_TOKEN } from './simulator';

export const PACKAGE = 'n8n-nodes-nemovideo';
export const CREDENTIAL_ID = 'nemo-1';
const CREDENTIAL_REF = { nemoVideoApi: { id: CREDENTIAL_ID, name: 'NemoVideo' } };

/** Every node class of the package, found the way n8n finds them: one folder per node. */
function packageNodeTypes(): INodeType[] {
	const root = join(__dirname, '../../nodes');
	return readdirSync(root, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && entry.name.startsWith('NemoVideo'))
		.map((entry) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const module = require(join(root, entry.name, `${entry.name}.node`)) as Record<string, new () => INodeType>;
			return new module[entry.name]();
		});
}

/** A credential store holding one NemoVideo credential pointed at the simulator. */
export function nemoVideoCredentials(baseUrl: string, data: Record<string, string> = {}): CredentialStore {
	return new CredentialStore([
		{
			id: CREDENTIAL_ID,
			name: 'NemoVideo',
			type: 'nemoVideoApi',
			data: { baseUrl, clientId: '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b', apiToken: REGISTERED_TOKEN, ...data },
		},
	]);
}

/** A package node with the NemoVideo credential attached; `type` is the short name, e.g. 'nemoVideoSession'. */
export function nemoNode(name: string, type: string, parameters: INodeParameters, extra: Partial<INode> = {}): INode {
	return node(name, `${PACKAGE}.${type}`, parameters, { credentials: CREDENTIAL_REF, ...extra });
}

/** Runs Manual Trigger -> the given nodes (in a line) through n8n-core's WorkflowExecute. */
export async function runChain(
	nodes: INode[],
	credentials: CredentialStore,
	options: Partial<RunOptions> = {},
): Promise<WorkflowRunResult> {
	return await runWorkflow(chain(node('Start', MANUAL_TRIGGER_TYPE), ...nodes), {
		nodeTypes: nodeTypesOf(PACKAGE, ...packageNodeTypes()),
		credentialTypes: { nemoVideoApi: new NemoVideoApi() },
		credentials,
		timeoutMs: 60_000,
		...options,
	});
}
