import type { IDataObject, IExecuteFunctions, INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { CREDENTIALS, ICON, withToolDefaults } from '../../shared/descriptions';
import type { BatchOperation } from '../../shared/router';
import { isToolRun } from '../../shared/toolRun';
import * as upload from './upload.operation';

/** An AI agent gets a short answer: at most this many files listed (the rest are counted). */
const TOOL_FILES = 10;
/** Longer (signed) URLs are left out of a tool answer; the file name still identifies the file. */
const TOOL_URL_CHARS = 300;

/**
 * In the AI tool variant Source defaults to URL: a tool call cannot carry binary data, so the
 * model gives file addresses (URLs and Session ID are then model-filled, see withToolDefaults).
 */
function urlSourceInTools(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => {
		if (property.name !== 'source') return [property];
		const show = property.displayOptions?.show ?? {};
		return [
			{ ...property, displayOptions: { ...property.displayOptions, show: { ...show, '@tool': [false] } } },
			{
				...property,
				default: 'url',
				displayOptions: { ...property.displayOptions, show: { ...show, '@tool': [true] } },
			},
		];
	});
}

export const versionDescription: INodeTypeDescription = {
	displayName: 'NemoVideo Upload',
	name: 'nemoVideoUpload',
	icon: ICON,
	group: ['transform'],
	version: 1,
	subtitle: '={{ $parameter["source"] === "url" ? "Upload from URLs" : "Upload binary files" }}',
	description:
		'Upload images, video or audio into a NemoVideo session, from binary data or from URLs (AI agent tools: use URLs)',
	defaults: { name: 'NemoVideo Upload' },
	usableAsTool: true,
	inputs: ['main'],
	outputs: ['main'],
	credentials: CREDENTIALS,
	properties: [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Upload',
					value: 'upload',
					action: 'Upload files to a session',
					description:
						'Send files (binary data, or URLs NemoVideo downloads) into a session; returns their CDN URLs and media details',
				},
			],
			default: 'upload',
		},
		...withToolDefaults(urlSourceInTools(upload.description)),
	],
};

/**
 * As an AI tool, Upload answers in short whatever it uploaded: the session ID, how many files, and
 * per file its name, type, size in pixels/seconds and CDN URL (no hashes, no binary data).
 */
function shortAnswerForTools<T>(operation: BatchOperation<T>): BatchOperation<T> {
	return {
		...operation,
		async send(this: IExecuteFunctions, batch, client) {
			const output = await operation.send.call(this, batch, client);
			if (!isToolRun(this)) return output;
			return output.map((items) => items.map((item) => ({ json: toolJson(item.json) })));
		},
	};
}

function toolJson(json: IDataObject): IDataObject {
	const files = (Array.isArray(json.files) ? json.files : []) as IDataObject[];
	const short: IDataObject = {
		sessionId: json.sessionId,
		fileCount: json.fileCount ?? files.length,
		files: files.slice(0, TOOL_FILES).map((file) => {
			const url = typeof file.cdnUrl === 'string' && file.cdnUrl.length <= TOOL_URL_CHARS ? file.cdnUrl : undefined;
			const entry: IDataObject = { fileName: file.fileName ?? null, fileType: file.fileType ?? null };
			if (file.width && file.height) entry.size = `${String(file.width)}x${String(file.height)}`;
			if (typeof file.duration === 'number' && file.fileType !== 'image') entry.durationSeconds = file.duration;
			if (url) entry.cdnUrl = url;
			return entry;
		}),
	};
	if (files.length > TOOL_FILES) short.moreFiles = files.length - TOOL_FILES;
	for (const key of ['note', 'warning'])
		if (typeof json[key] === 'string') short[key] = excerpt(json[key] as string, 400);
	return short;
}

function excerpt(text: string, length: number): string {
	return text.length > length ? `${text.slice(0, length)}…` : text;
}

export const operations = { upload: shortAnswerForTools(upload.execute) };
