import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { execute as upload } from '../../NemoVideoUpload/actions/upload.operation';
import { isToolRun } from '../../shared/toolRun';
import type { NemoVideoClient } from '../../shared/transport';
import { withParameters } from './context';

/**
 * The images of an item, read and checked by NemoVideo Upload's own operation (formats, sizes,
 * HEIC, URLs) before anything is sent, and uploaded by it in one request for all items of a video.
 */

type UploadPrepared = Awaited<ReturnType<typeof upload.prepare>>;

export interface ItemImages {
	itemIndex: number;
	prepared: UploadPrepared;
	count: number;
}

/** Not a real session: Upload checks the item without one; the session is set just before sending. */
const NOT_YET = 'create-video-session-not-created-yet';

function uploadParameters(ctx: IExecuteFunctions, itemIndex: number, sessionId: string): Record<string, unknown> {
	const source = isToolRun(ctx) ? 'url' : (ctx.getNodeParameter('source', itemIndex, 'binary') as string);
	return {
		sessionId,
		source,
		binaryFields: 'named',
		binaryPropertyName: ctx.getNodeParameter('inputBinaryFields', itemIndex, 'data'),
		urls: source === 'url' ? ctx.getNodeParameter('urls', itemIndex, '') : '',
		options: { combineItems: true, keepBinary: false } as IDataObject,
	};
}

/** Checks one item's images (throws the Upload node's errors, naming field or URL and the fix). */
export async function prepareImages(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
): Promise<ItemImages> {
	const overlay = withParameters(ctx, uploadParameters(ctx, itemIndex, NOT_YET));
	const prepared = await upload.prepare.call(overlay, itemIndex, client);
	const count = prepared.source === 'url' ? prepared.urls.length : prepared.files.length;
	if (count === 0) {
		throw new NodeOperationError(ctx.getNode(), 'The item has no image to make a video from', {
			itemIndex,
			description:
				'Give each item an image: a binary field (e.g. from Read Files from Disk) named in Input Binary Fields, or image URLs.',
		});
	}
	return { itemIndex, prepared, count };
}

/** Uploads the images of these items into the session, in one request; returns the files uploaded. */
export async function uploadImages(
	ctx: IExecuteFunctions,
	images: ItemImages[],
	sessionId: string,
	client: NemoVideoClient,
): Promise<IDataObject[]> {
	const first = images[0];
	const overlay = withParameters(ctx, uploadParameters(ctx, first.itemIndex, sessionId));
	const batch = images.map(({ itemIndex, prepared }) => ({
		itemIndex,
		prepared: { ...prepared, sessionId } as UploadPrepared,
	}));
	const outputs: INodeExecutionData[][] = await upload.send.call(overlay, batch, client);
	return outputs.flat().flatMap((item) => (item.json.files as IDataObject[] | undefined) ?? []);
}
