// @tinyagent/web-tools/internal: what TinyAgent's own tooling (the extraction benchmark) needs to run
// web_browse's page pipeline on a page it already holds. Unstable: anything here may change or go
// in any release, without notice in the changelog.
export { readPage } from './browse/read-page.ts';
export type { PageConverter, PageText } from './browse/read-page.ts';
export type { OpenedPage, PageBody } from './fetch-page.ts';
export { decodeBody } from './browse/charset.ts';
export { sharedConversionPool } from './browse/markdown/convert-pool.ts';
export type { KeepOptions } from './browse/markdown/markdown-rules.ts';
