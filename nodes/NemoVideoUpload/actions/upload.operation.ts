import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sessionIdProperty } from '../../shared/descriptions';
import type { BatchOperation } from '../../shared/router';
import {
	canceledError,
	isCancellation,
	NemoVideoError,
	uploadUrls,
	type NemoVideoClient,
} from '../../shared/transport';
import { uploadSources } from '../../shared/transport/multipart';
import { confirmedUpload, type ConfirmedUpload } from '../../shared/transport/uploadConfirm';
import { sessionIdOrNewSession } from '../../shared/sessionId';
import { assignFiles, lastSegment, type SentPart } from './assignFiles';
import { binaryFiles, itemUrls, type CheckedFile } from './sources';

/** A 200 MB file on a slow line takes minutes; silence (no bytes accepted, no answer) is what fails. */
const UPLOAD_TIMEOUT_MS = 60 * 60_000;
const UPLOAD_IDLE_TIMEOUT_MS = 120_000;
/** NemoVideo downloads URL files before it answers. */
const URL_UPLOAD_TIMEOUT_MS = 10 * 60_000;

const properties: INodeProperties[] = [
	sessionIdProperty,
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description: 'Files carried by the input items (Read Files from Disk, Google Drive, HTTP Request, a form…)',
			},
			{
				name: 'URL',
				value: 'url',
				description:
					'Public http(s) addresses that NemoVideo downloads itself. Use this when the node runs as an AI agent tool: tools cannot pass files.',
			},
		],
		default: 'binary',
		description: 'Where the files come from',
	},
	{
		displayName: 'Files to Upload',
		name: 'binaryFields',
		type: 'options',
		options: [
			{ name: 'All Binary Fields of the Item', value: 'all', description: 'Every file the item carries' },
			{ name: 'Named Binary Fields', value: 'named', description: 'The fields listed in Input Binary Fields' },
		],
		default: 'named',
		displayOptions: { show: { source: ['binary'] } },
		description: 'Which of the item’s files to upload',
	},
	{
		displayName: 'Input Binary Fields',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data, image2',
		displayOptions: { show: { source: ['binary'], binaryFields: ['named'] } },
		description: 'Name of the binary field holding the file, or several names separated by commas',
	},
	{
		displayName: 'URLs',
		name: 'urls',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/photo.jpg',
		displayOptions: { show: { source: ['url'] } },
		description:
			'Public http(s) addresses of image, video or audio files, one per line or separated by commas; an expression may return an array',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Combine Items Into One Request',
				name: 'combineItems',
				type: 'boolean',
				default: false,
				description:
					'Whether to upload the files of all items (with the same Session ID) in one request instead of one request per item. Each input item still gets its own output item listing its files.',
			},
			{
				displayName: 'Convert HEIC to JPEG',
				name: 'convertHeic',
				type: 'boolean',
				default: true,
				description:
					'Whether to convert HEIC/HEIF photos (the iPhone’s format, e.g. from a Google Drive folder) to JPEG before uploading them; NemoVideo does not accept HEIC. On when not added. Off: HEIC files are refused before anything is sent.',
			},
			{
				displayName: 'Keep Input Binary Data',
				name: 'keepBinary',
				type: 'boolean',
				default: false,
				description:
					'Whether to pass the input item’s binary data on to the output item. Off by default: files can be large, and the uploaded copies are on NemoVideo’s CDN (cdnUrl).',
			},
		],
	},
];

const displayOptions: IDisplayOptions = { show: { operation: ['upload'] } };

export const description = updateDisplayOptions(displayOptions, properties);

type Prepared =
	| { sessionId: string; source: 'binary'; files: CheckedFile[]; keepBinary: boolean; combine: boolean }
	| { sessionId: string; source: 'url'; urls: string[]; keepBinary: boolean; combine: boolean };

/** Every item is checked first (session ID, each file's format and size, each URL) before any upload. */
export const execute: BatchOperation<Prepared> = {
	async prepare(this: IExecuteFunctions, itemIndex: number, client: NemoVideoClient): Promise<Prepared> {
		if (client.cancelSignal?.aborted) throw uploadCanceled();
		// No session on the item and no Session node before this one: one new session for the run.
		const sessionId = await sessionIdOrNewSession(this, itemIndex, client);
		const source = this.getNodeParameter('source', itemIndex, 'binary') as string;
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const common = { sessionId, keepBinary: options.keepBinary === true, combine: options.combineItems === true };
		if (source === 'url') return { ...common, source: 'url', urls: itemUrls(this, itemIndex) };
		return { ...common, source: 'binary', files: await binaryFiles(this, itemIndex, options.convertHeic !== false) };
	},

	batchKey(this: IExecuteFunctions, prepared: Prepared): string | undefined {
		return prepared.combine ? `${prepared.source}\n${prepared.sessionId}` : undefined;
	},

	async send(
		this: IExecuteFunctions,
		batch: Array<{ itemIndex: number; prepared: Prepared }>,
		client: NemoVideoClient,
	): Promise<INodeExecutionData[][]> {
		const { sessionId } = batch[0].prepared;
		const parts: SentPart[][] = batch.map(({ prepared }) =>
			prepared.source === 'url'
				? prepared.urls.map((url) => ({ name: lastSegment(url), origin: url }))
				: prepared.files.map((file) => ({
						name: file.fileName,
						origin: file.field,
						convertedFrom: file.convertedFrom,
					})),
		);
		const first = batch[0].prepared;
		let outcome: ConfirmedUpload;
		try {
			outcome =
				first.source === 'url'
					? await confirmedUpload(
							client,
							sessionId,
							parts.flat().map((part) => ({ name: part.name, url: part.origin })),
							async (pending) =>
								await uploadUrls(
									client,
									sessionId,
									pending.map((part) => part.url),
									{ timeoutMs: URL_UPLOAD_TIMEOUT_MS },
								),
							{ replayable: true, maxAttempts: 2 },
						)
					: await uploadSources(
							client,
							sessionId,
							batch.flatMap(({ prepared }) => (prepared.source === 'binary' ? prepared.files : [])),
							{ timeoutMs: UPLOAD_TIMEOUT_MS, idleTimeoutMs: UPLOAD_IDLE_TIMEOUT_MS },
						);
		} catch (error) {
			throw asCanceled(error);
		}
		const perItem = assignFiles(parts, outcome.files);
		const inputs = this.getInputData();
		return batch.map(({ itemIndex, prepared }, position) => {
			const { files, warning, unmatchedFiles } = perItem[position];
			const json: IDataObject = { sessionId, fileCount: files.length, files };
			if (outcome.note) json.note = outcome.note;
			if (warning) json.warning = warning;
			if (unmatchedFiles) json.unmatchedFiles = unmatchedFiles;
			const binary = prepared.keepBinary ? inputs[itemIndex].binary : undefined;
			return [binary ? { json, binary } : { json }];
		});
	},
};

/** A cancel during an upload, in words about the upload. */
function asCanceled(error: unknown): unknown {
	return isCancellation(error) ? uploadCanceled() : error;
}

function uploadCanceled(): NemoVideoError {
	return canceledError(
		'The upload was canceled: the workflow was stopped',
		'Nothing more is sent. A file whose bytes had all been sent may still have reached the session: check the session state before uploading it again.',
	);
}
