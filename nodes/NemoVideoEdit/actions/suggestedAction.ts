/**
 * The agent talks as if the user had NemoVideo's editor open ("click Export", "open the panel",
 * "drag the clips", "preview it in the timeline", 点击导出…). Without a GUI, each of those maps to
 * one next step a workflow or an AI agent can take:
 * - `export`: render the video (NemoVideo Render);
 * - `edit`: send another prompt (this node), e.g. for "drag the clips to reorder them";
 * - `state`: read the timeline (NemoVideo Session → Get State), e.g. for "open the panel";
 * - `none`: nothing to do, or something outside these steps (the agent asks for uploads).
 * The reply text itself is left as it is.
 */

export type SuggestedAction = 'export' | 'state' | 'edit' | 'none';

interface Rule {
	action: SuggestedAction;
	/** What the phrase means, for the table in tests and docs. */
	means: string;
	pattern: RegExp;
}

/** First matching rule wins: the most decisive next step comes first. */
export const GUI_PHRASES: readonly Rule[] = [
	{
		action: 'export',
		means: 'export / download the video',
		pattern: /\bexport(?:s|ed|ing)?\b|\bdownload(?:s|ed|ing)?\b|导出|下载/i,
	},
	// The agent asks for media it does not have: no edit, export or state read can help.
	{
		action: 'none',
		means: 'upload files first',
		pattern:
			/\bupload (?:some|your|the|a|an|more|files?|photos?|images?|pictures?|videos?|media|button)\b|请上传|上传按钮|点击上传|先上传/i,
	},
	{
		action: 'edit',
		means: 'drag / drop / reorder on the timeline',
		pattern: /\bdrag(?:s|ged|ging)?\b|\bdrop\b|拖拽|拖动|拖放/i,
	},
	{
		action: 'state',
		means: 'open a panel, preview, look at the timeline',
		pattern:
			/\bopen\b[^.!?\n]{0,40}\b(?:panel|tab|menu|sidebar|editor|timeline|library|settings|properties)\b|\bpreview(?:s|ed|ing)?\b|\b(?:check|look at|see|view) (?:it |them )?(?:in |on )?the timeline\b|打开|预览|查看/i,
	},
	{ action: 'edit', means: 'click / tap a button', pattern: /\bclick(?:s|ed|ing)?\b|\btap\b|点击|单击/i },
];

export function suggestAction(reply: string): { action: SuggestedAction; phrase?: string } {
	for (const rule of GUI_PHRASES) {
		const match = rule.pattern.exec(reply);
		if (match) return { action: rule.action, phrase: match[0] };
	}
	return { action: 'none' };
}
