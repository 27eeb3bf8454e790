/**
 * Draws an n8n workflow JSON as an SVG picture (nodes at their editor positions, main connections,
 * sticky notes left out), for the README. Usage: tsx scripts/workflow-image.ts <workflow.json> <out.svg>
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface WorkflowNode {
	name: string;
	type: string;
	position: [number, number];
	parameters?: Record<string, unknown>;
}
interface Workflow {
	name?: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main?: Array<Array<{ node: string }>> }>;
}

const BOX = { width: 200, height: 74 };
const MARGIN = 40;
/** Editor positions are closer than our boxes are wide: spread them out. */
const SPREAD_X = 1.2;
const NAME_CHARS = 24;

const BUILT_IN: Record<string, string> = {
	manualTrigger: 'Manual trigger',
	readWriteFile: 'Read files from disk',
	merge: 'Merge by position',
	set: 'Edit fields',
	aggregate: 'Aggregate',
	googleDrive: 'Google Drive',
	googleDriveTrigger: 'Google Drive trigger',
};

function colorOf(type: string): string {
	if (type.startsWith('n8n-nodes-nemovideo.')) return '#7b3fe4';
	return /trigger/i.test(type) ? '#ff6d5a' : '#64748b';
}

function escape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function subtitle(node: WorkflowNode): string {
	const [pkg, short] = node.type.split('.');
	if (pkg === 'n8n-nodes-nemovideo') {
		const operation = String(node.parameters?.operation ?? '')
			.replace(/([A-Z])/g, ' $1')
			.toLowerCase();
		return `${short.replace(/^nemoVideo/, 'NemoVideo ')}: ${operation}`;
	}
	return BUILT_IN[short] ?? short;
}

function fit(text: string): string {
	return text.length > NAME_CHARS ? `${text.slice(0, NAME_CHARS - 1)}…` : text;
}

export function workflowSvg(workflow: Workflow): string {
	const nodes = workflow.nodes.filter((node) => !node.type.endsWith('stickyNote'));
	const minX = Math.min(...nodes.map((node) => node.position[0]));
	const minY = Math.min(...nodes.map((node) => node.position[1]));
	const at = (node: WorkflowNode) => ({
		x: (node.position[0] - minX) * SPREAD_X + MARGIN,
		y: node.position[1] - minY + MARGIN + 30,
	});
	const width = Math.max(...nodes.map((node) => at(node).x)) + BOX.width + MARGIN;
	const height = Math.max(...nodes.map((node) => at(node).y)) + BOX.height + MARGIN;
	const byName = new Map(nodes.map((node) => [node.name, node]));

	const edges: string[] = [];
	for (const [from, outputs] of Object.entries(workflow.connections)) {
		const source = byName.get(from);
		for (const target of (outputs.main ?? []).flat()) {
			const destination = byName.get(target.node);
			if (!source || !destination) continue;
			const a = at(source);
			const b = at(destination);
			const x1 = a.x + BOX.width;
			const y1 = a.y + BOX.height / 2;
			const x2 = b.x;
			const y2 = b.y + BOX.height / 2;
			const bend = Math.max(30, (x2 - x1) / 2);
			edges.push(
				`<path d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2 - 6},${y2}" fill="none" stroke="#94a3b8" stroke-width="2" marker-end="url(#arrow)"/>`,
			);
		}
	}
	const boxes = nodes.map((node) => {
		const { x, y } = at(node);
		const color = colorOf(node.type);
		return [
			`<g transform="translate(${x},${y})">`,
			`<rect width="${BOX.width}" height="${BOX.height}" rx="10" fill="#ffffff" stroke="${color}" stroke-width="2.5"/>`,
			`<rect width="8" height="${BOX.height}" rx="4" fill="${color}"/>`,
			`<text x="18" y="30" font-size="14" font-weight="600" fill="#0f172a">${escape(fit(node.name))}</text>`,
			`<text x="18" y="52" font-size="11" fill="#475569">${escape(subtitle(node))}</text>`,
			'</g>',
		].join('');
	});
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
		'<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#94a3b8"/></marker></defs>',
		`<rect width="100%" height="100%" fill="#f8fafc"/>`,
		`<text x="${MARGIN}" y="${MARGIN}" font-size="16" font-weight="700" fill="#0f172a">${escape(workflow.name ?? 'Workflow')}</text>`,
		...edges,
		...boxes,
		'</svg>',
	].join('\n');
}

if (require.main === module) {
	const [input, output] = process.argv.slice(2);
	if (!input || !output) {
		console.error('usage: tsx scripts/workflow-image.ts <workflow.json> <out.svg>');
		process.exit(2);
	}
	writeFileSync(output, workflowSvg(JSON.parse(readFileSync(input, 'utf8')) as Workflow));
	console.log(`wrote ${output}`);
}
