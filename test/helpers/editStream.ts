import type { SseMessage } from '../../nodes/shared/transport';
import { EditStreamFold } from '../../nodes/shared/transport/editDecode';
import type { EditStreamLimits, EditStreamResult } from '../../nodes/shared/transport/editFold';

/** The reference the lazy decode is compared with: decodes every event at once. */
export class ReferenceEditStreamFold extends EditStreamFold {
	protected override defers(): boolean {
		return false;
	}
}

/** Folds a whole message sequence (e.g. `sseMessages(body)`). */
export async function foldEditStream(
	messages: AsyncIterable<SseMessage>,
	limits: Partial<EditStreamLimits> = {},
	fold = new EditStreamFold(limits),
): Promise<EditStreamResult> {
	for await (const message of messages) fold.add(message);
	return fold.result();
}
