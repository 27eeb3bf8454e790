import type { INodeTypeDescription } from 'n8n-workflow';

import { CREDENTIALS, ICON, withToolDefaults } from '../../shared/descriptions';
import * as create from './create.operation';
import * as getState from './getState.operation';

export const versionDescription: INodeTypeDescription = {
	displayName: 'NemoVideo Session',
	name: 'nemoVideoSession',
	icon: ICON,
	group: ['transform'],
	version: 1,
	subtitle: '={{ $parameter["operation"] === "create" ? "Create session" : "Get state" }}',
	description: 'Create a NemoVideo editing session, or read its timeline and media',
	defaults: { name: 'NemoVideo Session' },
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
					name: 'Create',
					value: 'create',
					action: 'Create a session',
					description: 'Start a new editing session; upload, edit and export steps use its session ID',
				},
				{
					name: 'Get State',
					value: 'getState',
					action: 'Get the state of a session',
					description: 'Read the session’s timeline summary, readiness to export, and uploaded and generated media',
				},
			],
			default: 'create',
		},
		...create.description,
		...withToolDefaults(getState.description),
	],
};

export const operations = { create: create.execute, getState: getState.execute };
