import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { oneRequestPerItemOption, sessionIdProperty } from '../../shared/descriptions';
import { errorItemJson, toNodeError } from '../../shared/nodeErrors';
import { oncePerGroup, optionsForKey } from '../../shared/router';
import { isToolRun } from '../../shared/toolRun';
import { NemoVideoError, type NemoVideoClient } from '../../shared/transport';
import { requiredText, sessionIdParameter } from '../../shared/validation';
import { runEdit, type EditReport } from './runEdit';
import { suggestAction } from './suggestedAction';

/** The service closes an edit stream after 15 minutes; waiting longer cannot help. */
export const MAX_WAIT_MINUTES = 15;
/**
 * Heartbeats come 100–300 s apart while a clip is generated; any byte resets this limit, so only
 * a stream that sends nothing at all for this long counts as broken. 7 minutes leaves room above
 * the 300 s gaps (n8n's own HTTP helper defaults to 300 000 ms, which such a gap can reach).
 */
export const IDLE_TIMEOUT_MS = 7 * 60_000;
/**
 * An AI agent gets a short answer (the e2e checks hold every tool result to 2,000 characters): the
 * reply is cut to this many characters, the timeline summary to TOOL_TIMELINE_CHARS.
 */
const TOOL_REPLY_CHARS = 1_200;
const TOOL_TIMELINE_CHARS = 500;

const properties: INodeProperties[] = [
	sessionIdProperty,
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		placeholder: 'e.g. Turn these photos into a 15-second video with smooth transitions and background music',
		description:
			'What the video agent should make or change, in plain words (any language). It is sent once and never repeated automatically.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Maximum Wait (Minutes)',
				name: 'maxWaitMinutes',
				type: 'number',
				default: MAX_WAIT_MINUTES,
				typeOptions: { minValue: 0.1, maxValue: MAX_WAIT_MINUTES, numberPrecision: 1 },
				description:
					'How long to wait for the agent to finish, at most 15 minutes (the service’s own limit; larger values count as 15). Heartbeats keep the stream open; a stream that sends nothing at all for 7 minutes counts as broken.',
			},
			{
				displayName: 'On Silent Reply',
				name: 'onSilentReply',
				type: 'options',
				default: 'summarize',
				options: [
					{
						name: 'Fail',
						value: 'fail',
						description: 'Fail the item when the agent sent no text and the timeline did not change',
					},
					{
						name: 'Summarize From State',
						value: 'summarize',
						description: 'Output what changed in the timeline (read from the session state) and succeed',
					},
				],
				description: 'What to do when the agent answers without any text (about 30% of edits do)',
			},
			oneRequestPerItemOption(
				'Whether to send the prompt once for every input item. Off (default): input items with the same Session ID, Prompt and options send it once (one charge), and every one of them gets the result, so five photos from one Upload make one prompt, not five.',
			),
		],
	},
];

const displayOptions: IDisplayOptions = { show: { operation: ['sendPrompt'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
): Promise<INodeExecutionData[]> {
	const sessionId = sessionIdParameter(this, itemIndex);
	const prompt = promptParameter(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const maxWaitMs = maxWaitParameter(this, itemIndex, options.maxWaitMinutes);
	const onSilentReply = options.onSilentReply === 'fail' ? 'fail' : 'summarize';

	const report = await runEdit(client, { sessionId, prompt, maxWaitMs, idleTimeoutMs: IDLE_TIMEOUT_MS });
	const json = outputJson(report);

	if (report.end !== 'complete') {
		const failure = incompleteEditError(report, maxWaitMs);
		if (!this.continueOnFail()) throw failure;
		// Continue on fail: an error item that still carries everything known about the edit.
		const nodeError = toNodeError(this.getNode(), failure, itemIndex, (text) => client.redact(text));
		return [{ json: { ...errorItemJson(nodeError), ...json } }];
	}

	if (onSilentReply === 'fail' && report.stream.silent && report.changes.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			report.after
				? 'The agent sent no text and the timeline did not change'
				: `The agent sent no text and the timeline could not be read (${report.stateError})`,
			{
				itemIndex,
				description:
					'Rephrase the prompt more concretely (what to add, change or remove), check that the session has media, or set Options → On Silent Reply to "Summarize From State".',
			},
		);
	}

	if (isToolRun(this)) return [{ json: toolJson(report) }];
	return [{ json }];
}

function promptParameter(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredText(
		ctx,
		'prompt',
		itemIndex,
		'Prompt',
		'Write what the video agent should do, e.g. "Turn these photos into a 15-second video with smooth transitions", or map it from an earlier node.',
	);
}

/**
 * One prompt per distinct (session, prompt, options) among the input items: the items a Upload
 * made from five photos share one edit. Every item is checked before anything is sent.
 */
export const grouped = oncePerGroup(execute, function (this: IExecuteFunctions, itemIndex: number) {
	const options = optionsForKey(this, itemIndex);
	maxWaitParameter(this, itemIndex, options.maxWaitMinutes);
	return [sessionIdParameter(this, itemIndex), promptParameter(this, itemIndex), options];
});

function maxWaitParameter(ctx: IExecuteFunctions, itemIndex: number, value: unknown): number {
	if (value === undefined || value === null || value === '') return MAX_WAIT_MINUTES * 60_000;
	const minutes = Number(value);
	if (!Number.isFinite(minutes) || minutes <= 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Maximum Wait must be a positive number of minutes, not "${String(value)}"`,
			{
				itemIndex,
				description: `Set Options → Maximum Wait (Minutes) to a value between 0.1 and ${MAX_WAIT_MINUTES}, or remove the option to wait the full ${MAX_WAIT_MINUTES} minutes.`,
			},
		);
	}
	return Math.round(Math.min(minutes, MAX_WAIT_MINUTES) * 60_000);
}

function outputJson(report: EditReport): IDataObject {
	const { stream } = report;
	const timeline = report.after ?? report.before;
	const json: IDataObject = {
		sessionId: report.sessionId,
		reply: stream.reply,
		suggestedAction: suggestAction(stream.reply).action,
		silent: stream.silent,
		changed: report.changes.length > 0,
		changes: report.changes,
		timeline: {
			summary: timeline.summary,
			readyToExport: timeline.readyToExport,
			durationSeconds: timeline.durationSeconds,
			tracks: timeline.tracks as unknown as IDataObject[],
			title: timeline.title ?? null,
			width: timeline.width ?? null,
			height: timeline.height ?? null,
		},
		toolCalls: stream.toolCalls as unknown as IDataObject[],
		toolCallsOmitted: stream.toolCallsOmitted,
		eventCounts: stream.counts as unknown as IDataObject,
		durationMs: report.durationMs,
		replyTruncated: stream.replyTruncated,
	};
	if (stream.agentErrors.length > 0) json.agentErrors = stream.agentErrors;
	if (report.stateError !== undefined) {
		// The timeline shown is the one from before the edit: say so rather than pass it off as new.
		json.stateError = report.stateError;
		(json.timeline as IDataObject).readBeforeEdit = true;
	}
	return json;
}

/** What an AI agent needs to go on, short. */
function toolJson(report: EditReport): IDataObject {
	const timeline = report.after ?? report.before;
	const reply = report.stream.reply || silentNote(report);
	return {
		reply: excerpt(reply, TOOL_REPLY_CHARS),
		suggestedAction: suggestAction(report.stream.reply).action,
		timeline: excerpt(
			report.stateError === undefined ? timeline.summary : `unknown (${report.stateError})`,
			TOOL_TIMELINE_CHARS,
		),
		readyToExport: report.stateError === undefined ? timeline.readyToExport : false,
	};
}

function silentNote(report: EditReport): string {
	if (!report.after) return 'The agent sent no text, and the timeline could not be read afterwards.';
	if (report.changes.length === 0) return 'The agent sent no text and the timeline did not change.';
	return `The agent sent no text. Timeline changes: ${report.changes.join('; ')}.`;
}

/** The edit may have been applied: say what is known and that the prompt must not simply be resent. */
export function incompleteEditError(report: EditReport, maxWaitMs: number): NemoVideoError {
	const events = report.stream.counts.events;
	const what: Record<Exclude<EditReport['end'], 'complete'>, string> = {
		cut: `The edit stream broke after ${events} event${events === 1 ? '' : 's'}`,
		idle: `NemoVideo sent nothing for ${IDLE_TIMEOUT_MS / 60_000} minutes, so the edit stream was closed`,
		maxWait: `The edit did not finish within the maximum wait of ${round(maxWaitMs / 60_000)} minute${maxWaitMs === 60_000 ? '' : 's'}`,
		unexpectedAnswer: 'NemoVideo did not answer the edit with an event stream',
	};
	const end = report.end as Exclude<EditReport['end'], 'complete'>;
	const known: string[] = [];
	if (report.stream.reply) known.push(`The agent said so far: "${excerpt(report.stream.reply, 300)}".`);
	if (report.after) {
		known.push(
			report.changes.length > 0
				? `Timeline changes so far: ${report.changes.join('; ')}.`
				: 'The timeline has not changed (yet).',
		);
		known.push(`${report.after.summary}.`);
	} else {
		known.push(`The timeline could not be read (${report.stateError}).`);
	}
	return new NemoVideoError(
		`${what[end]}; the edit may have been applied${report.endReason ? ` (${report.endReason})` : ''}`,
		{
			kind: end === 'cut' || end === 'unexpectedAnswer' ? 'network' : 'timeout',
			hint: `${known.join(' ')} The prompt was not sent again. Check the timeline (NemoVideo Session → Get State) before sending it again, and send only what is still missing.`,
		},
	);
}

function excerpt(text: string, length: number): string {
	return text.length > length ? `${text.slice(0, length)}…` : text;
}

function round(value: number): number {
	return Math.round(value * 10) / 10;
}
