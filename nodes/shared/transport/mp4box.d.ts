/**
 * Types for `mp4box` (used by mp4Info.ts). The package declares its types only under `exports`,
 * which this project's `moduleResolution: node` does not read; this points TypeScript at the
 * CommonJS declarations that `require('mp4box')` loads at run time.
 */
declare module 'mp4box' {
	export * from 'mp4box/dist/mp4box.all.cjs';
}
