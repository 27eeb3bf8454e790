declare module 'mp4box' {
	export * from 'mp4box/dist/mp4box.all.cjs';
}
