'use strict';
/**
 * n8n external hook file (loaded by n8n through EXTERNAL_HOOK_FILES). After every workflow execution
 * it writes the full run data, the workflow id and the execution id to
 * $NEMOVIDEO_N8N_CAPTURE_DIR/<time>-<executionId>.json, for failed runs too. This is sturdier than
 * parsing `n8n execute --rawOutput`, which mixes log lines into stdout and omits the execution id.
 * It never throws: a failing hook would fail the execution.
 */
const fs = require('node:fs');
const path = require('node:path');

/** JSON.stringify that survives cycles (shared, non-circular references are kept as they are). */
function safeStringify(value) {
	const ancestors = [];
	return JSON.stringify(value, function (_key, v) {
		if (typeof v === 'bigint') return v.toString();
		if (typeof v !== 'object' || v === null) return v;
		while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
		if (ancestors.includes(v)) return '[Circular]';
		ancestors.push(v);
		return v;
	});
}

async function postExecute(fullRunData, workflowData, executionId) {
	const dir = process.env.NEMOVIDEO_N8N_CAPTURE_DIR;
	if (!dir) return;
	try {
		fs.mkdirSync(dir, { recursive: true });
		const base = `${Date.now()}-${String(executionId ?? 'none').replace(/[^\w-]/g, '_')}`;
		const record = {
			executionId: executionId ?? null,
			workflowId: workflowData?.id ?? null,
			workflowName: workflowData?.name ?? null,
			mode: fullRunData?.mode ?? null,
			run: fullRunData,
		};
		const tmp = path.join(dir, `.${base}.tmp`);
		fs.writeFileSync(tmp, safeStringify(record));
		fs.renameSync(tmp, path.join(dir, `${base}.json`));
	} catch (error) {
		process.stderr.write(`[n8n-runner capture hook] could not save run data: ${error?.message ?? error}\n`);
	}
}

module.exports = { workflow: { postExecute: [postExecute] } };
