// Keep './env' first: it sets N8N_USER_FOLDER & co. before n8n-core's DI reads the environment.
export { harnessRoot } from './env';
export { CredentialStore } from './credential-store';
export type { HarnessCredential, CredentialUpdate } from './credential-store';
export { HarnessCredentialsHelper, HarnessCredentialTypes } from './credentials-helper';
export { HarnessNodeTypes, nodeTypesOf } from './node-types';
export {
	BINARY_FROM_FILE_TYPE,
	CODE_TYPE,
	MANUAL_TRIGGER_TYPE,
	SET_FIELDS_TYPE,
	BinaryFromFile,
	Code,
	ManualTrigger,
	SetFields,
	builtinNodeTypes,
} from './builtin-nodes';
export { runWorkflow, binaryStream } from './run-workflow';
export type { HarnessWorkflow, RunOptions, WorkflowRunError, WorkflowRunResult } from './run-workflow';
export { disposeRuntime, ensureRuntime } from './runtime';
export { chain, node } from './workflow-builder';
