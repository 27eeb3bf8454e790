import type { EditStreamLimits } from './editFold';

export interface ToolCallRecord {
	name: string;
	/** ADK function call id, when the stream gives one. */
	id?: string;
	/** `called`: no result seen (yet); `answered`: the result arrived. */
	status: 'called' | 'answered';
	arguments?: unknown;
	result?: unknown;
}

/**
 * The tool calls of an edit and their results, bounded: the most recent `maxToolEvents` records are
 * kept (older ones only counted), each payload up to `maxPayloadChars` of JSON (else a preview).
 * A result is matched to its call by ADK id, else to the latest unanswered call of that name.
 */
export class ToolCallLog {
	omitted = 0;
	private readonly tools: ToolCallRecord[] = [];
	private readonly toolsById = new Map<string, ToolCallRecord>();

	constructor(private readonly limits: Pick<EditStreamLimits, 'maxToolEvents' | 'maxPayloadChars'>) {}

	records(): ToolCallRecord[] {
		return this.tools.map((tool) => ({ ...tool }));
	}

	call(name: unknown, args: unknown, id: string | undefined, size: number): void {
		const record: ToolCallRecord = { name: toolName(name), status: 'called' };
		if (id !== undefined) record.id = id;
		if (args !== undefined) record.arguments = this.bounded(args, size);
		this.keep(record);
	}

	result(name: unknown, result: unknown, id: string | undefined, size: number): void {
		const wanted = toolName(name);
		let record = id !== undefined ? this.toolsById.get(id) : undefined;
		if (!record) {
			for (let index = this.tools.length - 1; index >= 0; index--) {
				const candidate = this.tools[index];
				if (
					candidate.status === 'called' &&
					candidate.name === wanted &&
					(id === undefined || candidate.id === undefined)
				) {
					record = candidate;
					break;
				}
			}
		}
		if (!record) {
			// The call was never seen (or is no longer kept): keep the result on its own.
			record = { name: wanted, status: 'called' };
			if (id !== undefined) record.id = id;
			this.keep(record);
		}
		record.status = 'answered';
		record.result = this.bounded(result ?? null, size);
	}

	private keep(record: ToolCallRecord): void {
		this.tools.push(record);
		if (record.id !== undefined) this.toolsById.set(record.id, record);
		if (this.tools.length > this.limits.maxToolEvents) {
			const dropped = this.tools.shift() as ToolCallRecord;
			if (dropped.id !== undefined && this.toolsById.get(dropped.id) === dropped) this.toolsById.delete(dropped.id);
			this.omitted++;
		}
	}

	/** The value itself when small (the event's size bounds it), else a JSON preview. */
	private bounded(value: unknown, eventSize: number): unknown {
		if (eventSize <= this.limits.maxPayloadChars) return value;
		const json = JSON.stringify(value) ?? 'null';
		if (json.length <= this.limits.maxPayloadChars) return value;
		return { truncated: true, chars: json.length, preview: json.slice(0, this.limits.maxPayloadChars) };
	}
}

function toolName(name: unknown): string {
	return typeof name === 'string' && name !== '' ? name : 'unknown';
}
