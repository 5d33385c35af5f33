export { createWebBrowse, webBrowse } from './web-browse.ts';
export type { WebBrowseOptions, WebBrowseArguments } from './web-browse.ts';
export { WebToolError } from './web-tool-error.ts';
export { DEFAULT_USER_AGENT } from './http-client.ts';
export type { DnsLookup } from './address-guard.ts';
