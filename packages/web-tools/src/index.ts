export { createWebBrowse, webBrowse } from './browse/web-browse.ts';
export type { WebBrowseOptions, WebBrowseArguments } from './browse/web-browse.ts';
export { WebToolError } from './web-tool-error.ts';
export { DEFAULT_USER_AGENT } from './http-client.ts';
export type { DnsLookup } from './browse/address-guard.ts';
export { createWebSearch, webSearch } from './search/web-search.ts';
export type { WebSearchOptions, WebSearchArguments } from './search/web-search.ts';
export { createBraveBackend, BRAVE_API_KEY_VARIABLE } from './search/brave-search.ts';
export type { BraveBackendOptions } from './search/brave-search.ts';
export { createSearxngBackend } from './search/searxng-search.ts';
export type { SearxngBackendOptions } from './search/searxng-search.ts';
export type {
  SearchBackend,
  SearchRequest,
  SearchResult,
  SearchContext,
  SearchResponse,
} from './search/search-backend.ts';
