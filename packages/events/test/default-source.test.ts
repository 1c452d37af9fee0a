import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

async function freshSource() {
  vi.resetModules();
  const { getDefaultSource } = await import('../src/index.js');
  return getDefaultSource();
}

describe('the default event source', () => {
  it('is named by OTEL_SERVICE_NAME first, then npm_package_name, then unknown_service', async () => {
    vi.stubEnv('OTEL_SERVICE_NAME', 'billing');
    vi.stubEnv('npm_package_name', 'pkg');
    expect((await freshSource()).service).toBe('billing');
    vi.stubEnv('OTEL_SERVICE_NAME', undefined);
    expect((await freshSource()).service).toBe('pkg');
    vi.stubEnv('npm_package_name', undefined);
    const source = await freshSource();
    expect(source).toEqual({
      service: 'unknown_service:node',
      host: expect.any(String),
      pid: process.pid,
    });
    expect(Object.isFrozen(source)).toBe(true);
  });
});
