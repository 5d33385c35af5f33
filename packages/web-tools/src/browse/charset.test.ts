import { describe, expect, it } from 'vitest';
import { charsetFromContentType, charsetFromMeta, decodeBody } from './charset.ts';

const latin1 = (text: string): Uint8Array => Buffer.from(text, 'latin1');

describe('decodeBody', () => {
  it('reads the charset of the Content-Type header', () => {
    expect(charsetFromContentType('text/html; charset="ISO-8859-1"')).toBe('ISO-8859-1');
    expect(charsetFromContentType('text/html;charset=utf-8')).toBe('utf-8');
    expect(charsetFromContentType('text/html')).toBeUndefined();
    expect(decodeBody(latin1('caf\u00e9'), 'text/plain; charset=iso-8859-1', false)).toBe('café');
  });

  it('finds <meta charset> and <meta http-equiv> declarations in HTML', () => {
    expect(charsetFromMeta(latin1('<html><head><meta charset="windows-1252">'))).toBe('windows-1252');
    expect(charsetFromMeta(latin1('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'))).toBe(
      'koi8-r',
    );
    expect(decodeBody(latin1('<meta charset=windows-1252><p>\u0093quoted\u0094</p>'), 'text/html', true)).toContain(
      '\u201cquoted\u201d',
    );
  });

  it('reads declarations with spaces, quotes and other charset-like words in the tag', () => {
    expect(charsetFromMeta(latin1('<META  CHARSET = " Shift_JIS ">'))).toBe('shift_jis');
    expect(charsetFromMeta(latin1('<meta name="charset-note" content="x" charset=\'gbk\'>'))).toBe('gbk');
    expect(charsetFromMeta(latin1('<metadata charset="koi8-r"><meta charset>'))).toBeUndefined();
    expect(charsetFromMeta(latin1(`<meta ${' '.repeat(4000)}charset`))).toBeUndefined();
  });

  it('skips <meta> declarations inside comments, as the standard prescan does', () => {
    expect(charsetFromMeta(latin1('<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">'))).toBe(
      'windows-1251',
    );
    expect(charsetFromMeta(latin1('<!--a--><!-- <meta charset="koi8-r"> -->'))).toBeUndefined();
    expect(charsetFromMeta(latin1('<!-- unclosed <meta charset="koi8-r">'))).toBeUndefined();
    expect(charsetFromMeta(latin1('<meta charset="gbk"><!-- <meta charset="koi8-r"> -->'))).toBe('gbk');
    expect(charsetFromMeta(latin1(`${'<!---->'.repeat(500)}<meta charset="big5">`))).toBe('big5');
  });

  it('reads a <meta> that claims UTF-16 as UTF-8, as browsers do', () => {
    expect(decodeBody(new TextEncoder().encode('<meta charset="utf-16"><p>é</p>'), 'text/html', true)).toContain('é');
  });

  it('lets the Content-Type win over <meta>, and a byte order mark win over both', () => {
    const html = new TextEncoder().encode('<meta charset="windows-1251"><p>é</p>');
    expect(decodeBody(html, 'text/html; charset=utf-8', true)).toContain('é');
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('é')]);
    expect(decodeBody(withBom, 'text/plain; charset=iso-8859-1', false)).toBe('é');
  });

  it('falls back to UTF-8 for unknown labels and replaces invalid bytes', () => {
    expect(decodeBody(new TextEncoder().encode('ok ✓'), 'text/plain; charset=x-no-such-charset', false)).toBe('ok ✓');
    expect(decodeBody(new Uint8Array([0x61, 0xff, 0x62]), 'text/plain', false)).toBe('a\ufffdb');
  });

  it('reads the <meta> declaration when the Content-Type names a charset no decoder knows, as browsers do', () => {
    // "Привет" in windows-1251, from a server whose header says `charset=none`.
    const html = new Uint8Array([
      ...new TextEncoder().encode('<meta charset="windows-1251"><p>'),
      ...[0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2],
    ]);
    expect(decodeBody(html, 'text/html; charset=none', true)).toContain('Привет');
    expect(decodeBody(html, "text/html; charset='windows-1251'", true)).toContain('Привет');
  });

  it('ignores <meta> declarations outside HTML', () => {
    expect(decodeBody(new TextEncoder().encode('<meta charset="windows-1251"> é'), 'text/plain', false)).toBe(
      '<meta charset="windows-1251"> é',
    );
  });
});
