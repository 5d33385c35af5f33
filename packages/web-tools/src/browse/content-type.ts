/** How web_browse reads a response: converted from HTML, passed through as text, or refused. */
export type ContentKind = 'html' | 'text' | 'unsupported' | 'unknown';

const TEXT_APPLICATION_TYPES = new Set([
  'application/json',
  'application/ld+json',
  'application/xml',
  'application/javascript',
  'application/ecmascript',
  'application/x-javascript',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/x-ndjson',
  'application/rss+xml',
  'application/atom+xml',
]);

/** The media type of a `Content-Type` value, lower-cased and without parameters. */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Classifies a response by its `Content-Type`: HTML (and XHTML) is converted, text, JSON, XML and
 * other textual formats pass through, binary formats (PDF, images, archives) are refused. A missing
 * or generic type is `unknown`: the body decides (see `sniffContent`).
 */
export function classifyContentType(contentType: string): ContentKind {
  const type = mediaType(contentType);
  if (type === '' || type === 'application/octet-stream' || type === 'binary/octet-stream') return 'unknown';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type.startsWith('text/')) return 'text';
  if (TEXT_APPLICATION_TYPES.has(type) || type.endsWith('+json') || type.endsWith('+xml')) return 'text';
  return 'unsupported';
}

/** Decides an `unknown` body by its first bytes: HTML markup, other text, or binary (NUL bytes). */
export function sniffContent(bytes: Uint8Array): 'html' | 'text' | 'unsupported' {
  const head = bytes.subarray(0, 1024);
  if (head.includes(0)) return 'unsupported';
  const text = new TextDecoder('latin1').decode(head).trimStart().toLowerCase();
  return /^(<!doctype html|<html|<head|<body)|<body[\s>]/.test(text) ? 'html' : 'text';
}
