import { suggestAction } from '../../../nodes/NemoVideoEdit/actions/suggestedAction';

describe('GUI phrases become a suggested next step', () => {
	it.each([
		// The simulator's own replies (English and Chinese), as the agent sends them.
		['Done! Preview it in the timeline, then click Export to download your MP4.', 'export'],
		[
			"Your draft is ready. Open the panel on the right to tweak the music volume, or drag clips to reorder them. Click Export when you're happy.",
			'export',
		],
		['All done. Preview in the timeline and click the Export button when it looks right.', 'export'],
		['完成了！可以在时间线中预览，满意后点击导出按钮下载MP4。', 'export'],
		['草稿已就绪。打开右侧面板可以调整音乐音量，也可以拖拽片段调整顺序，最后点击导出。', 'export'],
		[
			"I don't see any photos or videos in this project yet. Click the Upload button or drag your files into the media panel, then tell me what to make.",
			'none',
		],
		['项目里还没有图片或视频素材。请点击上传按钮，或把文件拖拽到素材面板，然后告诉我你想做什么。', 'none'],
		// One phrase at a time.
		['Drag the second clip before the first one to change the order.', 'edit'],
		['把片段拖拽到时间线的开头。', 'edit'],
		['Open the settings panel to see the canvas size.', 'state'],
		['打开面板查看轨道。', 'state'],
		['Preview it in the timeline.', 'state'],
		['在时间线中预览效果。', 'state'],
		['Click Apply to use the new transition.', 'edit'],
		['点击应用即可。', 'edit'],
		['Your 10-second video is ready: 3 photos with crossfades and Lo-fi music.', 'none'],
		['All set. Timeline (2 tracks): 1. Video: photo1.png, photo2.png (0-10s) 2. BGM: Lo-fi (0-10s, 35%).', 'none'],
		['Your uploaded photos are now a 10-second video.', 'none'],
		['', 'none'],
	])('%s → %s', (reply, action) => {
		expect(suggestAction(reply).action).toBe(action);
	});

	it('names the phrase it acted on', () => {
		expect(suggestAction('Preview it, then click Export.').phrase).toBe('Export');
		expect(suggestAction('请拖拽片段').phrase).toBe('拖拽');
	});
});
