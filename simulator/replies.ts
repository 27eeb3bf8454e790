/** The agent's reply texts (English or Chinese), sometimes phrased as if the user had a GUI. */
import type { Rng } from './rng';
import { summarize, type EditPlan } from './draft';

export interface Reply {
	intro?: string;
	outro?: string;
	gui: boolean;
}

export function isChinese(language: string): boolean {
	return /^zh/i.test(language.trim());
}

export function buildReply(plan: EditPlan, draft: unknown, language: string, rng: Rng): Reply {
	const zh = isChinese(language);
	const gui = rng.chance(0.6);
	const secs = Math.round(plan.durationMs / 100) / 10;
	const { intent } = plan;
	if (plan.needsMedia) {
		return zh
			? {
					gui: true,
					intro: '项目里还没有图片或视频素材。请点击上传按钮，或把文件拖拽到素材面板，然后告诉我你想做什么。',
				}
			: {
					gui: true,
					intro:
						"I don't see any photos or videos in this project yet. Click the Upload button or drag your files into the media panel, then tell me what to make.",
				};
	}
	let intro: string;
	if (plan.generate) {
		intro = zh
			? `好的，正在把你的图片生成一段${secs}秒的动态视频，请稍候。`
			: `Great idea! I'm animating your image into a ${secs}-second clip. This can take a moment.`;
	} else if (zh) {
		intro = `好的！我会把你的${plan.visualCount}个素材做成一个${secs}秒的视频${intent.transition ? '，加上流畅的转场' : ''}${intent.music ? '，并配上背景音乐' : ''}。`;
	} else {
		const noun = plan.visualCount === 1 ? 'file' : 'files';
		intro = `Sure! I'll turn your ${plan.visualCount} ${noun} into a ${secs}-second video${intent.transition ? ' with smooth transitions' : ''}${intent.music ? ' and background music' : ''}.`;
	}
	let outro: string;
	if (gui) {
		outro = zh
			? rng.pick([
					'完成了！可以在时间线中预览，满意后点击导出按钮下载MP4。',
					'草稿已就绪。打开右侧面板可以调整音乐音量，也可以拖拽片段调整顺序，最后点击导出。',
				])
			: rng.pick([
					'Done! Preview it in the timeline, then click Export to download your MP4.',
					"Your draft is ready. Open the panel on the right to tweak the music volume, or drag clips to reorder them. Click Export when you're happy.",
					'All done. Preview in the timeline and click the Export button when it looks right.',
				]);
	} else {
		outro = zh ? `已完成：${summarize(draft)}。` : `All set. ${summarize(draft)}.`;
	}
	return { gui, intro, outro };
}
