/**
 * The report of Build Report: rows of measured videos as CSV, and one metric as a grouped bar
 * chart in SVG (groups on the x axis, e.g. source images; one bar per series, e.g. prompt variant
 * or generator). Plain strings, no dependency; the SVG is self-contained (no fonts or scripts).
 */

export interface ReportRow {
	group: string;
	series: string;
	values: Record<string, number | string | boolean | null>;
}

/** RFC 4180 CSV: a header line, then one line per row; fields with commas, quotes or new lines quoted. */
export function toCsv(columns: string[], rows: ReportRow[]): string {
	const field = (value: unknown) => {
		const text = value === null || value === undefined ? '' : String(value);
		return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
	};
	const lines = [['group', 'series', ...columns].map(field).join(',')];
	for (const row of rows)
		lines.push([row.group, row.series, ...columns.map((column) => row.values[column])].map(field).join(','));
	return `${lines.join('\r\n')}\r\n`;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7'];

function escape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceMax(value: number): number {
	if (value <= 0) return 1;
	const power = 10 ** Math.floor(Math.log10(value));
	const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= value) ?? 10;
	return step * power;
}

/**
 * A grouped bar chart of `metric` (one bar per group × series; a missing value leaves a gap).
 * The y axis starts at 0 and ends at a round number at or above the largest value (1 for ratios
 * and SSIM when all values are within 0–1).
 */
export function barChartSvg(title: string, metric: string, rows: ReportRow[]): string {
	const groups = [...new Set(rows.map((row) => row.group))];
	const series = [...new Set(rows.map((row) => row.series))];
	const value = (group: string, name: string) => {
		const found = rows.find((row) => row.group === group && row.series === name)?.values[metric];
		return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
	};
	const values = rows
		.map((row) => row.values[metric])
		.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
	const top = values.length && values.every((v) => v >= 0 && v <= 1) ? 1 : niceMax(Math.max(0, ...values));
	const barWidth = 26;
	const left = 64;
	const plotHeight = 240;
	const topMargin = 48;
	const legendHeight = 22 * Math.ceil(series.length / 3);
	const width = Math.max(480, left + groups.length * Math.max(120, series.length * barWidth + 40) + 24);
	const groupWidth = (width - left - 24) / groups.length;
	const height = topMargin + plotHeight + 56 + legendHeight;
	const y = (v: number) => topMargin + plotHeight - (v / top) * plotHeight;
	const parts: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`,
	];
	for (let i = 0; i <= 4; i++) {
		const tick = (top * i) / 4;
		parts.push(
			`<line x1="${left}" x2="${width - 16}" y1="${y(tick)}" y2="${y(tick)}" stroke="#dddddd"/>`,
			`<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end">${escape(String(Number(tick.toPrecision(4))))}</text>`,
		);
	}
	groups.forEach((group, g) => {
		const x0 = left + g * groupWidth + (groupWidth - series.length * barWidth) / 2;
		series.forEach((name, s) => {
			const v = value(group, name);
			const centre = x0 + s * barWidth + (barWidth - 4) / 2;
			if (v === undefined) {
				parts.push(
					`<text x="${centre}" y="${topMargin + plotHeight - 4}" text-anchor="middle" font-size="10" fill="#888888">n/a</text>`,
				);
				return;
			}
			const h = Math.max(0, topMargin + plotHeight - y(Math.min(v, top)));
			parts.push(
				`<rect x="${x0 + s * barWidth}" y="${topMargin + plotHeight - h}" width="${barWidth - 4}" height="${h}" fill="${PALETTE[s % PALETTE.length]}"><title>${escape(`${group} / ${name}: ${v}`)}</title></rect>`,
				`<text x="${centre}" y="${topMargin + plotHeight - h - 4}" text-anchor="middle" font-size="10">${escape(String(Number(v.toPrecision(3))))}</text>`,
			);
		});
		parts.push(
			`<text x="${left + g * groupWidth + groupWidth / 2}" y="${topMargin + plotHeight + 18}" text-anchor="middle">${escape(group)}</text>`,
		);
	});
	parts.push(`<line x1="${left}" x2="${left}" y1="${topMargin}" y2="${topMargin + plotHeight}" stroke="#333333"/>`);
	parts.push(
		`<line x1="${left}" x2="${width - 16}" y1="${topMargin + plotHeight}" y2="${topMargin + plotHeight}" stroke="#333333"/>`,
	);
	series.forEach((name, s) => {
		const lx = left + (s % 3) * 160;
		const ly = topMargin + plotHeight + 40 + Math.floor(s / 3) * 22;
		parts.push(
			`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[s % PALETTE.length]}"/>`,
			`<text x="${lx + 18}" y="${ly}">${escape(name)}</text>`,
		);
	});
	parts.push('</svg>');
	return `${parts.join('\n')}\n`;
}
