// Pages still come in legacy encodings (windows-1251, Shift_JIS, GBK, ISO-8859-x): decoding them as
// UTF-8 would hand the model mojibake. The order follows the HTML standard's encoding sniffing: a
// byte order mark, then the Content-Type charset, then a <meta> declaration near the top, then UTF-8.

// The HTML standard prescans 1024 bytes; real pages put long scripts and comments first.
const META_PRESCAN_BYTES = 4096;

/** The charset a `Content-Type` header value declares, if any. */
export function charsetFromContentType(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1];
}

/** The charset an HTML document declares in a `<meta charset>` or `<meta http-equiv>` tag near its start. */
export function charsetFromMeta(bytes: Uint8Array): string | undefined {
  // Latin-1 maps every byte to one character, so ASCII markup reads the same in any ASCII-compatible encoding.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, META_PRESCAN_BYTES)).toLowerCase();
  let start = head.indexOf('<meta');
  // A comment is skipped whole, as the standard's prescan does: a page's commented-out <meta> (an old
  // template's, say) must not decide how the rest is read.
  let comment = head.indexOf('<!--');
  while (start >= 0) {
    if (comment >= 0 && comment < start) {
      const close = head.indexOf('-->', comment + 4);
      if (close < 0) return undefined;
      if (start < close) start = head.indexOf('<meta', close + 3);
      comment = head.indexOf('<!--', close + 3);
      continue;
    }
    const end = head.indexOf('>', start);
    const label = declaredCharset(head.slice(start, end < 0 ? head.length : end));
    if (label !== undefined) return label;
    start = head.indexOf('<meta', start + 5);
  }
  return undefined;
}

// Reads `charset = "label"` out of one <meta ...> tag, by hand: the pattern it replaces,
// `/<meta\s[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i`, backtracked polynomially on runs of spaces.
function declaredCharset(tag: string): string | undefined {
  if (!/^<meta\s/.test(tag)) return undefined;
  for (let at = tag.indexOf('charset'); at >= 0; at = tag.indexOf('charset', at + 1)) {
    let index = skipSpaces(tag, at + 'charset'.length);
    if (tag.charAt(index) !== '=') continue;
    index = skipSpaces(tag, index + 1);
    if (tag.charAt(index) === '"' || tag.charAt(index) === "'") index = skipSpaces(tag, index + 1);
    const label = /^[\w.:-]+/.exec(tag.slice(index))?.[0];
    if (label !== undefined) return label;
  }
  return undefined;
}

function skipSpaces(text: string, from: number): number {
  let index = from;
  while (/\s/.test(text.charAt(index))) index += 1;
  return index;
}

/**
 * Decodes a response body to text: a BOM wins, then the `Content-Type` charset, then (for HTML) a
 * `<meta>` declaration, else UTF-8. A label no decoder knows is passed over for the next source, as
 * the HTML standard's encoding sniffing does; invalid bytes become U+FFFD.
 */
export function decodeBody(bytes: Uint8Array, contentType: string, isHtml: boolean): string {
  const decoder =
    decoderFor(bomCharset(bytes)) ??
    decoderFor(charsetFromContentType(contentType)) ??
    (isHtml ? decoderFor(metaCharset(bytes)) : undefined) ??
    new TextDecoder('utf-8');
  return decoder.decode(bytes);
}

// A <meta> naming UTF-16 cannot be true (the parser read it as ASCII): the standard reads UTF-8 then.
function metaCharset(bytes: Uint8Array): string | undefined {
  const label = charsetFromMeta(bytes);
  return label !== undefined && /^utf-16/i.test(label) ? 'utf-8' : label;
}

function bomCharset(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

function decoderFor(label: string | undefined): TextDecoder | undefined {
  if (label === undefined) return undefined;
  try {
    return new TextDecoder(label);
  } catch {
    // An unknown or unsupported label (TextDecoder throws a RangeError): the next source decides.
    return undefined;
  }
}
