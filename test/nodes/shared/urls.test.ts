import { badPercentEscape, checkUrl } from '../../../nodes/shared/urls';

describe('checking URLs', () => {
	it('accepts http(s) addresses with or without a media extension', () => {
		expect(checkUrl('https://cdn.example.com/a/photo.jpg')).toEqual({
			ok: true,
			url: 'https://cdn.example.com/a/photo.jpg',
		});
		expect(checkUrl('https://drive.example.com/uc?id=123&export=download')).toMatchObject({ ok: true });
		expect(checkUrl('https://cdn.example.com/%E2%82%AC%20sale.jpg')).toMatchObject({ ok: true });
	});

	it.each([
		['not a URL', 'photo.jpg', /is not a valid URL/],
		['ftp', 'ftp://example.com/photo.jpg', /uses ftp, not http or https/],
		['a PDF', 'https://example.com/brochure.pdf?x=1', /points to a \.pdf file, which NemoVideo does not accept/],
		[
			'a malformed escape',
			'https://x/a%zz.png',
			/^The URL "https:\/\/x\/a%zz\.png" has a malformed percent-escape \("%zz"\)$/,
		],
		['escapes that are not UTF-8', 'https://x/a%ff.png', /malformed percent-escape \("%ff"\)$/],
	])('refuses %s', (_name, url, message) => {
		const check = checkUrl(url);
		expect(check.ok).toBe(false);
		if (!check.ok) expect(check.message).toMatch(message);
	});
});

describe('finding malformed percent-escapes', () => {
	it.each([
		['/a%zz.png', '%zz'],
		['/50%-off.png', '%'],
		['/a%2.png', '%2'],
		['/a%ff.png', '%ff'],
		['/%E2%82.png', '%E2%82'],
	])('%s has %s', (path, bad) => {
		expect(badPercentEscape(path)).toBe(bad);
	});

	it.each([['/a%20b.png'], ['/%E2%82%AC.png'], ['/plain.png']])('%s has none', (path) => {
		expect(badPercentEscape(path)).toBeUndefined();
	});
});
