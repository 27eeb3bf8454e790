'use strict';
/** Workflows and credentials: ids, credential binding, what `n8n import:workflow` needs. */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('./prepare');

const PACKAGE_NAME = require(path.join(REPO_ROOT, 'package.json')).name;
const CREDENTIAL_TYPE = 'nemoVideoApi';

/** A workflow id n8n accepts (1–21 characters). */
function newWorkflowId() {
	return `wf${crypto.randomBytes(8).toString('hex')}`.slice(0, 18);
}

/** A credential id (n8n uses 16 alphanumerics). */
function newCredentialId() {
	return crypto
		.randomBytes(12)
		.toString('base64')
		.replace(/[^A-Za-z0-9]/g, '')
		.slice(0, 16)
		.padEnd(16, 'x');
}

/**
 * Points every node's `credentials.<type>` at the given stored credentials, and gives the package's
 * own nodes the NemoVideo credential when they lack one. Returns a new workflow object.
 * @param {object} workflow
 * @param {Record<string, {id: string, name: string}>} byType
 */
function bindCredentials(workflow, byType) {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes ?? []) {
		for (const [type, ref] of Object.entries(byType)) {
			const uses = node.credentials && type in node.credentials;
			const ours =
				type === CREDENTIAL_TYPE && typeof node.type === 'string' && node.type.startsWith(`${PACKAGE_NAME}.`);
			if (uses || ours) node.credentials = { ...(node.credentials ?? {}), [type]: { id: ref.id, name: ref.name } };
		}
	}
	return copy;
}

/** Fills what `n8n import:workflow` needs: a valid id, name, node ids and positions, inactive. */
function normalizeWorkflow(workflow, { id } = {}) {
	if (!workflow || !Array.isArray(workflow.nodes)) throw new Error('a workflow needs a "nodes" array');
	const copy = structuredClone(workflow);
	const wanted = id ?? copy.id;
	copy.id = typeof wanted === 'string' && wanted.length > 0 && wanted.length <= 21 ? wanted : newWorkflowId();
	copy.name ??= `e2e ${copy.id}`;
	copy.active = false;
	copy.connections ??= {};
	copy.settings ??= {};
	copy.nodes.forEach((node, index) => {
		node.id ??= crypto.randomUUID();
		node.position ??= [index * 220, 0];
		node.parameters ??= {};
	});
	return copy;
}

function readJsonFile(file) {
	return JSON.parse(fs.readFileSync(path.resolve(REPO_ROOT, file), 'utf8'));
}

module.exports = { CREDENTIAL_TYPE, newWorkflowId, newCredentialId, bindCredentials, normalizeWorkflow, readJsonFile };
