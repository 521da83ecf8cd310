// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('../../src/renderer/src/api/http-client');
  vi.resetModules();
});

describe('API client chunk', () => {
  it('turns a chunk that cannot be fetched into network_error, and fetches it again on the next call', async () => {
    let loads = 0;
    vi.doMock('../../src/renderer/src/api/http-client', () => {
      loads += 1;
      throw new TypeError('Failed to fetch dynamically imported module');
    });
    const { createApiClient } = await import('../../src/renderer/src/api/client');
    const client = createApiClient('http://127.0.0.1:9');
    const failure = (thrown: unknown) => thrown;
    await expect(client.login({ username: 'u', password: 'p' }).catch(failure)).resolves.toMatchObject({
      name: 'ApiFailure',
      error: 'network_error',
      status: 0,
    });
    await client.me('token').catch(failure);
    expect(loads).toBe(2);
  });
});
