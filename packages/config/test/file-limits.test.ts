import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConfig } from '../src/index.js';
import { problemsOf, thrown } from './helpers.js';

const schema = z.object({ port: z.number().default(1) });

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'foundation-config-files-'));
}

function makeFifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

describe('config files are checked before they are read', () => {
  it('refuses a file over maxBytes from its size alone, without reading it', () => {
    const path = join(tempDir(), 'huge.json');
    // Sparse: 300 MB by size, nothing on disk. Reading it whole would take seconds and memory.
    writeFileSync(path, '');
    truncateSync(path, 300 * 1024 * 1024);
    const error = thrown(() => createConfig({ schema, sources: { files: [path] } }));
    expect(problemsOf(error)).toEqual([
      expect.objectContaining({ rule: 'max_size', code: 'invalid_config_structure', source: path }),
    ]);
  });

  it.runIf(existsSync('/dev/zero'))(
    'refuses a device such as /dev/zero instead of reading it',
    () => {
      const error = thrown(() =>
        createConfig({ schema, sources: { files: [{ path: '/dev/zero', format: 'json' }] } }),
      );
      expect(problemsOf(error)[0]).toMatchObject({
        rule: 'regular_file',
        code: 'config_not_found',
      });
    },
  );

  it('refuses a FIFO at start-up instead of blocking on it forever', () => {
    const path = join(tempDir(), 'pipe.json');
    makeFifo(path);
    const error = thrown(() => createConfig({ schema, sources: { files: [path] } }));
    expect(problemsOf(error)[0]).toMatchObject({ rule: 'regular_file', source: path });
  });

  it('refuses a FIFO that appears before a reload, and keeps the last good values', async () => {
    const path = join(tempDir(), 'later.json');
    const config = createConfig({ schema, sources: { files: [{ path, optional: true }] } });
    makeFifo(path);
    await expect(config.reload()).rejects.toMatchObject({
      context: { rule: 'regular_file' },
    });
    expect(config.get('port')).toBe(1);
    expect(config.health().status).toBe('degraded');
  });

  it('refuses a file that grew past maxBytes before a reload', async () => {
    const path = join(tempDir(), 'grows.json');
    writeFileSync(path, JSON.stringify({ port: 2 }));
    const config = createConfig({ schema, limits: { maxBytes: 100 }, sources: { files: [path] } });
    expect(config.get('port')).toBe(2);
    writeFileSync(path, JSON.stringify({ port: 3, pad: ' '.repeat(200) }));
    await expect(config.reload()).rejects.toMatchObject({ context: { rule: 'max_size' } });
    expect(config.get('port')).toBe(2);
  });

  it.runIf(existsSync('/proc/self/status'))(
    'reads at most maxBytes + 1 bytes of a file whose size the stat does not tell',
    async () => {
      // procfs files report size 0 but hold text: only the bounded read can catch them.
      const file = { path: '/proc/self/status', format: 'yaml' as const };
      const error = thrown(() =>
        createConfig({ schema, limits: { maxBytes: 64 }, sources: { files: [file] } }),
      );
      expect(problemsOf(error)[0]).toMatchObject({ rule: 'max_size' });
      // The same through reload: a link to it appears where an optional file was missing.
      const link = join(tempDir(), 'status.yaml');
      const config = createConfig({
        schema,
        limits: { maxBytes: 64 },
        sources: { files: [{ path: link, optional: true }] },
      });
      symlinkSync('/proc/self/status', link);
      await expect(config.reload()).rejects.toMatchObject({ context: { rule: 'max_size' } });
    },
  );
});
