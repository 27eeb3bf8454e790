const path = require('path');
const { task, src, dest } = require('gulp');

task('build:icons', copyIcons);

// tsc does not copy assets: node and credential icons, plus the simulator's sample MP4s.
function copyIcons() {
	const nodeIcons = src(path.resolve('nodes', '**', '*.{png,svg}')).pipe(dest(path.resolve('dist', 'nodes')));
	src(path.resolve('credentials', '**', '*.{png,svg}')).pipe(dest(path.resolve('dist', 'credentials')));
	src(path.resolve('simulator', 'assets', '*'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'simulator', 'assets')),
	);
	return nodeIcons;
}
