import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
// The built package, as users load it: ESM through `import`, CJS through `require`. The test
// task builds the package first (see turbo.json).
import * as esm from '../dist/index.js';

const cjs = createRequire(import.meta.url)('../dist/index.cjs') as typeof esm;

describe('one state per process when errors is loaded through both import and require', () => {
  it('loads two copies of the code (the hazard this guards against)', () => {
    expect(cjs.FoundationError).not.toBe(esm.FoundationError);
  });

  it('keeps one code registry: a code defined through one copy is known to the other', () => {
    const codes = esm.defineErrorCodes({
      dual_package_probe: {
        code: 9_701,
        category: 'external',
        subcategory: 'probe',
        severity: 'low',
        retry: 'none',
        description: 'Dual package probe',
      },
    });
    expect(cjs.getErrorCode(9_701)?.name).toBe('dual_package_probe');
    const error = new cjs.FoundationError('dual_package_probe' as never);
    expect(error.code).toBe(codes.dual_package_probe.code);
    expect(error.codeName).toBe('dual_package_probe');
    expect(esm.isFoundationError(error)).toBe(true);
  });

  it('keeps one async context: what one copy enters, the other sees', async () => {
    await esm.withContext({ operation: 'dual.outer', correlationId: 'corr-1' }, async () => {
      await Promise.resolve();
      expect(cjs.currentCorrelationId()).toBe('corr-1');
      cjs.addBreadcrumb('seen by the other copy');
      expect(esm.currentContext()?.breadcrumbs.map((b) => b.message)).toEqual([
        'seen by the other copy',
      ]);
      const error = new cjs.FoundationError('timeout');
      expect(error.correlationId).toBe('corr-1');
      expect(error.context.operation).toBe('dual.outer');
    });
  });
});
