import { afterEach, describe, expect, it, vi } from 'vitest';
import { SECRET_ENV_VARS, redactSecrets, redactValue, registerSecret, secretRedactor } from './secrets.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('redactSecrets', () => {
  it('replaces every occurrence of a registered secret', () => {
    registerSecret('sk-registered-111');

    expect(redactSecrets('key sk-registered-111, again sk-registered-111.')).toBe('key [redacted], again [redacted].');
  });

  it('leaves text without secrets unchanged', () => {
    registerSecret('sk-registered-222');

    expect(redactSecrets('nothing to hide here')).toBe('nothing to hide here');
  });

  it.each(SECRET_ENV_VARS)('redacts the value of %s from the environment', (name) => {
    vi.stubEnv(name, `env-secret-for-${name}`);

    expect(redactSecrets(`Authorization: Bearer env-secret-for-${name}`)).toBe('Authorization: Bearer [redacted]');
  });

  it('stops redacting an environment value once the variable is gone', () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-env-temporary');
    expect(redactSecrets('sk-env-temporary')).toBe('[redacted]');

    vi.stubEnv('OPENAI_API_KEY', undefined);

    expect(redactSecrets('sk-env-temporary')).toBe('sk-env-temporary');
  });

  it('ignores values too short to be keys, so ordinary words survive', () => {
    registerSecret('abc');
    registerSecret('');
    registerSecret(undefined);
    registerSecret(null);
    vi.stubEnv('OPENAI_API_KEY', 'x');

    expect(redactSecrets('abc x y')).toBe('abc x y');
  });

  it('redacts a longer secret whole when a shorter secret is a part of it', () => {
    registerSecret('sk-prefix');
    vi.stubEnv('OPENAI_API_KEY', 'sk-prefix-and-the-rest-of-the-key');

    const text = redactSecrets('key=sk-prefix-and-the-rest-of-the-key');

    expect(text).toBe('key=[redacted]');
    expect(text).not.toContain('rest-of-the-key');
  });
});

describe('secretRedactor', () => {
  it('redacts the environment keys and the registered secrets known when it was made', () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-env-for-redactor');
    registerSecret('sk-registered-for-redactor');
    const redact = secretRedactor();

    expect(redact('sk-env-for-redactor and sk-registered-for-redactor')).toBe('[redacted] and [redacted]');
  });
});

describe('redactSecrets in JSON text', () => {
  it('redacts a secret holding a quote or a backslash where JSON text escapes it', () => {
    registerSecret('sk-quote"and\\slash');

    const json = JSON.stringify({ key: 'sk-quote"and\\slash' });

    expect(redactSecrets(json)).toBe('{"key":"[redacted]"}');
  });
});

describe('redactValue', () => {
  it('redacts every string of a decoded value, keys included', () => {
    registerSecret('sk-decoded-value-1');

    const value = { a: ['x', 'sk-decoded-value-1'], 'sk-decoded-value-1': { deep: 'pre sk-decoded-value-1' } };

    expect(redactValue(value)).toEqual({ a: ['x', '[redacted]'], '[redacted]': { deep: 'pre [redacted]' } });
    expect(value.a[1]).toBe('sk-decoded-value-1');
  });

  it('returns a value without secrets as the same object', () => {
    const value = { a: [1, 'two', { three: true }] };

    expect(redactValue(value)).toBe(value);
  });
});
