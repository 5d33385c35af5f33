import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebBrowse } from './web-browse.ts';

// A throwaway self-signed certificate for localhost and 127.0.0.1 (valid until 2126), made for this
// test with openssl; nothing trusts it, which is the point.
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSLBrT+wWZ80sQ9oh
gLvjGaHNJDJP8u3Bqsww3dZWSa2hRANCAATsXprCiWGnHCgDlAkpo2kxP/6IgI8h
h/mGPEkzCCtULAJyIzfwZqR9fYw42Z5dRGrE143VPpCGJQjwzpdNgE0t
-----END PRIVATE KEY-----`;
const CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUOZrc51HkCZmFjm8Yhk4IVtU6e3MwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNDE0MDEyOFoYDzIxMjYxMDMx
MTQwMTI4WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATsXprCiWGnHCgDlAkpo2kxP/6IgI8hh/mGPEkzCCtULAJyIzfwZqR9
fYw42Z5dRGrE143VPpCGJQjwzpdNgE0to28wbTAdBgNVHQ4EFgQUXvKLvgid/nuT
Bms603bNvGkSjPkwHwYDVR0jBBgwFoAUXvKLvgid/nuTBms603bNvGkSjPkwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAKr2yrHjRUmsSU+IEBU0T/vXFa6DzruLQ4hHmwsfy9AvAiEA
7mAtb3oBUm7hMIqLumQnvjvJ38zoVts31gsAUQsZiok=
-----END CERTIFICATE-----`;

const server = createServer({ key: KEY, cert: CERT }, (_request, response) => {
  response.writeHead(200, { 'content-type': 'text/html' });
  response.end('<article><h1>Secret page</h1><p>Served over TLS nobody trusts.</p></article>');
});
let base: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('web_browse over TLS', () => {
  it('refuses a certificate nobody vouches for, saying so, and never reads the page', async () => {
    const browse = createWebBrowse({ allowPrivateNetwork: true });

    const result = await browse.run({ url: `${base}/page` });

    expect(result).toMatch(/^Error: /);
    expect(result).toContain('The TLS certificate of 127.0.0.1');
    expect(result).toContain('is not valid (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(result).not.toContain('Secret page');
  });
});
