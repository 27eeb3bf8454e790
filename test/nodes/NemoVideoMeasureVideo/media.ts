import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Videos and images made with ffmpeg for the metric tests (small, so a run takes seconds). */
export interface TestMedia {
	dir: string;
	/** 320×240 test pattern, and a second, different image (SMPTE bars). */
	image: string;
	image2: string;
	/** `image` looped for 3 s at 10 fps (30 identical frames). */
	still: string;
	/** The same still, blurred (Gaussian, sigma 2). */
	blurred: string;
	/** 1.5 s of `image`, then 1.5 s of `image2`, 10 fps. */
	slideshow: string;
	/** 2 s at 10 fps of frames alternating black (Y 16) and white (Y 235), losslessly coded. */
	alternating: string;
	/** 1 s of black, then 2 s of `image`, 10 fps. */
	blackThenImage: string;
	/** A moving test pattern, 3 s at 10 fps. */
	moving: string;
	/** `image` (4:3) letterboxed in a 320×320 frame, 1 s at 10 fps. */
	letterboxed: string;
	/** A 640×480 test pattern, and it looped for 1 s at 10 fps (SSIM at half scale). */
	image640: string;
	still640: string;
	remove(): void;
}

export function ffmpeg(...args: string[]): void {
	execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

const X264 = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'];

export function makeMedia(): TestMedia {
	const dir = mkdtempSync(join(tmpdir(), 'measure-video-test-'));
	const at = (name: string) => join(dir, name);
	ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=1', '-frames:v', '1', at('image.png'));
	ffmpeg('-f', 'lavfi', '-i', 'smptebars=size=320x240:rate=1', '-frames:v', '1', at('image2.png'));
	ffmpeg('-loop', '1', '-i', at('image.png'), '-t', '3', '-r', '10', ...X264, at('still.mp4'));
	ffmpeg(
		'-loop',
		'1',
		'-i',
		at('image.png'),
		'-t',
		'3',
		'-r',
		'10',
		'-vf',
		'gblur=sigma=2',
		...X264,
		at('blurred.mp4'),
	);
	ffmpeg(
		'-loop',
		'1',
		'-t',
		'1.5',
		'-i',
		at('image.png'),
		'-loop',
		'1',
		'-t',
		'1.5',
		'-i',
		at('image2.png'),
		'-filter_complex',
		'[0:v]fps=10,format=yuv420p[a];[1:v]fps=10,format=yuv420p[b];[a][b]concat=n=2:v=1',
		...X264,
		at('slideshow.mp4'),
	);
	ffmpeg(
		'-f',
		'lavfi',
		'-i',
		'nullsrc=s=160x120:r=10:d=2',
		'-vf',
		"format=yuv420p,geq=lum='if(mod(N\\,2)\\,235\\,16)':cb=128:cr=128",
		'-c:v',
		'libx264',
		'-qp',
		'0',
		'-pix_fmt',
		'yuv420p',
		at('alternating.mp4'),
	);
	ffmpeg(
		'-f',
		'lavfi',
		'-i',
		'color=black:s=320x240:r=10:d=1',
		'-loop',
		'1',
		'-t',
		'2',
		'-i',
		at('image.png'),
		'-filter_complex',
		'[0:v]format=yuv420p,setsar=1[a];[1:v]fps=10,format=yuv420p,setsar=1[b];[a][b]concat=n=2:v=1',
		...X264,
		at('black.mp4'),
	);
	ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '3', ...X264, at('moving.mp4'));
	ffmpeg(
		'-loop',
		'1',
		'-i',
		at('image.png'),
		'-t',
		'1',
		'-r',
		'10',
		'-vf',
		'pad=320:320:0:40',
		...X264,
		at('letterboxed.mp4'),
	);
	ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=1', '-frames:v', '1', at('image640.png'));
	ffmpeg('-loop', '1', '-i', at('image640.png'), '-t', '1', '-r', '10', ...X264, at('still640.mp4'));
	return {
		dir,
		image640: at('image640.png'),
		still640: at('still640.mp4'),
		image: at('image.png'),
		image2: at('image2.png'),
		still: at('still.mp4'),
		blurred: at('blurred.mp4'),
		slideshow: at('slideshow.mp4'),
		alternating: at('alternating.mp4'),
		blackThenImage: at('black.mp4'),
		moving: at('moving.mp4'),
		letterboxed: at('letterboxed.mp4'),
		remove: () => rmSync(dir, { recursive: true, force: true }),
	};
}
