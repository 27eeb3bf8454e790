/**
 * Runs a workflow in-process with n8n-core's real `WorkflowExecute`, the way n8n's main process
 * does for a manual execution: real `ExecuteContext`s, `ExecutionLifecycleHooks`, filesystem
 * binary data, outbound HTTP through `@n8n/backend-network`, cancellation through the execution's
 * PCancelable (n8n's "stop"), which aborts the signal nodes get from `getExecutionCancelSignal()`.
 */
import { binaryDataService, ensureRuntime, externalSecretsProxy } from './runtime';

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionBaseError,
	ExecutionStatus,
	IBinaryData,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IPinData,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { BINARY_ENCODING, UserError, Workflow, createRunExecutionData } from 'n8n-workflow';

import { builtinNodeTypes } from './builtin-nodes';
import type { CredentialStore } from './credential-store';
import { HarnessCredentialTypes, HarnessCredentialsHelper } from './credentials-helper';
import { HarnessNodeTypes } from './node-types';

export interface HarnessWorkflow {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	/** Merged over `{ executionOrder: 'v1' }` (n8n's default for new workflows). */
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
	pinData?: IPinData;
}

export interface RunOptions {
	/** Node classes by full type name; the built-ins of `builtin-nodes.ts` are always added. */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: Record<string, ICredentialType>;
	credentials: CredentialStore;
	/** Aborting it stops the execution like n8n's "stop" button. */
	signal?: AbortSignal;
	/** Cancels the execution after this long, like n8n's execution timeout (error: TimeoutExecutionCancelledError). */
	timeoutMs?: number;
	/** Execution mode; default 'manual' (an editor run: the Manual Trigger really fires). */
	mode?: WorkflowExecuteMode;
	/**
	 * After a cancel, how long to wait for the running node to return before giving up on it and
	 * returning the run data n8n reported at cancel time (default 5000 ms).
	 */
	cancelGraceMs?: number;
}

export interface WorkflowRunError {
	message: string;
	/** The node's own error instance when a node failed (e.g. NodeApiError), else the execution error. */
	error: ExecutionBaseError | Error;
	nodeName?: string;
}

export interface WorkflowRunResult {
	status: ExecutionStatus;
	error?: WorkflowRunError;
	run: IRun;
	runData: IRunData;
	executionId: string;
	workflowId: string;
	/** Wall time of runWorkflow (setup + execution). */
	durationMs: number;
	/** Node names in the order their runs finished. */
	nodeExecutionOrder: string[];
	/** False when a canceled node ignored its cancel signal past `cancelGraceMs`. */
	settled: boolean;
	/** Main output `outputIndex` (default 0) of the node's last run; [] if it did not run. */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** Reads a binary back from the store (or decodes inline base64 data). */
	binaryStream(binary: IBinaryData): Readable;
	binaryBuffer(binary: IBinaryData): Promise<Buffer>;
	/** Deletes this execution's binary files (the temp folder itself goes after the test file). */
	cleanup(): Promise<void>;
}

let executionCounter = 0;

export async function runWorkflow(workflowData: HarnessWorkflow, options: RunOptions): Promise<WorkflowRunResult> {
	const started = Date.now();
	await ensureRuntime();

	const mode = options.mode ?? 'manual';
	const executionId = String(++executionCounter);
	const workflowId = workflowData.id ?? 'harness-workflow';
	const nodes = structuredClone(workflowData.nodes); // Workflow writes parameter defaults into them
	const settings: IWorkflowSettings = {
		executionOrder: 'v1',
		...workflowData.settings,
	};

	const nodeTypes = new HarnessNodeTypes({
		...builtinNodeTypes(),
		...options.nodeTypes,
	});
	const credentialsHelper = new HarnessCredentialsHelper(
		new HarnessCredentialTypes(options.credentialTypes),
		options.credentials,
	);

	const workflow = new Workflow({
		id: workflowId,
		name: workflowData.name ?? 'Harness workflow',
		nodes,
		connections: structuredClone(workflowData.connections),
		nodeTypes,
		settings,
		staticData: workflowData.staticData,
		pinData: workflowData.pinData,
		active: false,
	});

	const now = new Date();
	const workflowBase: IWorkflowBase = {
		id: workflowId,
		name: workflow.name ?? 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections: workflow.connectionsBySourceNode,
		settings,
	};

	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowBase);
	const nodeExecutionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		nodeExecutionOrder.push(nodeName);
	});
	let resolveAfterHook!: (run: IRun) => void;
	const afterHook = new Promise<IRun>((resolve) => (resolveAfterHook = resolve));
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
		resolveAfterHook(fullRunData);
	});

	// Timeouts the way n8n's WorkflowRunner sets them: a deadline checked between nodes, plus a
	// timer that stops a node still running at the deadline.
	const timeoutCandidates = [
		options.timeoutMs,
		settings.executionTimeout && settings.executionTimeout > 0 ? settings.executionTimeout * 1000 : undefined,
	].filter((ms): ms is number => typeof ms === 'number' && ms > 0);
	const timeoutMs = timeoutCandidates.length ? Math.min(...timeoutCandidates) : undefined;

	const additionalData = buildAdditionalData({
		credentialsHelper,
		executionId,
		workflowId,
		settings,
		hooks,
		executionTimeoutTimestamp: timeoutMs === undefined ? undefined : Date.now() + timeoutMs,
	});

	const base = { executionId, workflowId, nodeExecutionOrder, started };
	const workflowExecute = new WorkflowExecute(additionalData, mode);
	let execution: ReturnType<WorkflowExecute['run']>;
	try {
		execution = workflowExecute.run({
			workflow,
			pinData: workflowData.pinData,
		});
	} catch (error) {
		// e.g. WorkflowHasIssuesError, or no start node: n8n fails these before the first node runs.
		return failedBeforeStart(error as Error, mode, base);
	}

	let cancelRequested = false;
	let graceTimer: NodeJS.Timeout | undefined;
	const cancel = (timedOut: boolean) => {
		if (cancelRequested) return;
		cancelRequested = true;
		if (timedOut) workflowExecute.timedOut = true;
		execution.cancel();
	};
	const onAbort = () => cancel(false);
	options.signal?.addEventListener('abort', onAbort, { once: true });
	if (options.signal?.aborted) onAbort();
	const timeoutTimer = timeoutMs === undefined ? undefined : setTimeout(() => cancel(true), timeoutMs);

	let settled = false;
	const final = Promise.resolve(execution).then((run) => {
		settled = true;
		return run;
	});

	let run: IRun;
	try {
		run = await Promise.race([afterHook, final]);
		if (!cancelRequested) {
			run = await final; // same data; lets WorkflowExecute finish its own cleanup first
		} else {
			const grace = new Promise<IRun>((resolve) => {
				graceTimer = setTimeout(() => resolve(run), options.cancelGraceMs ?? 5000);
			});
			run = await Promise.race([final, grace]);
		}
	} finally {
		options.signal?.removeEventListener('abort', onAbort);
		clearTimeout(timeoutTimer);
		clearTimeout(graceTimer);
	}

	return makeResult(run, {
		...base,
		settled,
		cancelRequested,
		timedOut: workflowExecute.timedOut,
	});
}

function buildAdditionalData(input: {
	credentialsHelper: HarnessCredentialsHelper;
	executionId: string;
	workflowId: string;
	settings: IWorkflowSettings;
	hooks: ExecutionLifecycleHooks;
	executionTimeoutTimestamp?: number;
}): IWorkflowExecuteAdditionalData {
	const baseUrl = 'http://localhost:5678';
	const unsupported = (what: string) => async () => {
		throw new UserError(`${what} is not supported by the test harness`);
	};
	return {
		credentialsHelper: input.credentialsHelper,
		hooks: input.hooks,
		executionId: input.executionId,
		workflowId: input.workflowId,
		workflowSettings: input.settings,
		executionTimeoutTimestamp: input.executionTimeoutTimestamp,
		currentNodeExecutionIndex: 0,
		externalSecretsProxy: externalSecretsProxy(),
		variables: {},
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: `${baseUrl}/`,
		formBaseUrl: `${baseUrl}/form`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		formTestBaseUrl: `${baseUrl}/form-test`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		mcpBaseUrl: `${baseUrl}/mcp`,
		mcpTestBaseUrl: `${baseUrl}/mcp-test`,
		logAiEvent: () => {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: unsupported('Executing a sub-workflow'),
		startRunnerTask: unsupported('A task runner (Code node)'),
	};
}

interface ResultBase {
	executionId: string;
	workflowId: string;
	nodeExecutionOrder: string[];
	started: number;
}

function makeResult(
	run: IRun,
	info: ResultBase & {
		settled: boolean;
		cancelRequested: boolean;
		timedOut: boolean;
	},
): WorkflowRunResult {
	const runData = run.data.resultData.runData ?? {};
	return {
		status: run.status,
		error: extractError(run, runData, info),
		run,
		runData,
		executionId: info.executionId,
		workflowId: info.workflowId,
		durationMs: Date.now() - info.started,
		nodeExecutionOrder: info.nodeExecutionOrder,
		settled: info.settled,
		output: (nodeName, outputIndex = 0) => runData[nodeName]?.at(-1)?.data?.main?.[outputIndex] ?? [],
		binaryStream,
		binaryBuffer: async (binary) => await streamToBuffer(binaryStream(binary)),
		cleanup: async () =>
			await binaryDataService().deleteMany([
				{
					type: 'execution',
					workflowId: info.workflowId,
					executionId: info.executionId,
				},
			]),
	};
}

function extractError(
	run: IRun,
	runData: IRunData,
	info: { cancelRequested: boolean; timedOut: boolean },
): WorkflowRunError | undefined {
	const executionError = run.data.resultData.error;
	const nodeName = run.data.resultData.lastNodeExecuted;
	const nodeError = nodeName ? runData[nodeName]?.at(-1)?.error : undefined;
	if (executionError || nodeError) {
		const error = (nodeError ?? executionError) as ExecutionBaseError;
		return {
			message: (executionError ?? error).message,
			error,
			nodeName: nodeError ? nodeName : undefined,
		};
	}
	if (run.status === 'canceled' || info.cancelRequested) {
		const message = info.timedOut ? 'The execution timed out' : 'The execution was canceled';
		return { message, error: new Error(message) };
	}
	return undefined;
}

function failedBeforeStart(error: Error, mode: WorkflowExecuteMode, info: ResultBase): WorkflowRunResult {
	const run: IRun = {
		data: createRunExecutionData({
			resultData: { runData: {}, error: error as ExecutionBaseError },
		}),
		mode,
		startedAt: new Date(info.started),
		stoppedAt: new Date(),
		storedAt: 'db',
		status: 'error',
	};
	return makeResult(run, {
		...info,
		settled: true,
		cancelRequested: false,
		timedOut: false,
	});
}

export function binaryStream(binary: IBinaryData): Readable {
	if (binary.id) return createReadStream(binaryDataService().getPath(binary.id));
	return Readable.from([Buffer.from(binary.data, BINARY_ENCODING)]);
}

async function streamToBuffer(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
	return Buffer.concat(chunks);
}
