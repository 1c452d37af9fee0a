import {
  addBreadcrumb,
  deserializeError,
  FoundationError,
  retryDelayMs,
  serializeError,
  withContext,
  type ErrorCodeName,
} from '@foundation/errors';
import type { StepGroup } from './types.js';

/** The errors steps: context across await, the JSON round trip, retry hints, wrapping. */
export const errorsSteps: StepGroup = {
  title: 'Errors',
  steps: [
    {
      name: 'an error carries its context across await',
      run: async (ctx) => {
        const error = await withContext(
          { operation: 'orders.create', metadata: { orderId: 'o-42' } },
          async () => {
            addBreadcrumb('order validated');
            await new Promise<void>((resolve) => setImmediate(resolve));
            addBreadcrumb('payment requested');
            return new FoundationError('external_service_error', 'payment provider refused', {
              context: { provider: 'acme-pay' },
            });
          },
        );
        const crumbs = error.breadcrumbs.map((crumb) => crumb.message);
        if (error.correlationId === undefined) throw new Error('no correlation id picked up');
        if (crumbs.join('|') !== 'order validated|payment requested') {
          throw new Error(`unexpected breadcrumbs: ${crumbs.join(', ')}`);
        }
        ctx.detail(`context ${JSON.stringify(error.context)}`);
        return `[${error.code} ${error.codeName}] correlation ${error.correlationId}; breadcrumbs: ${crumbs.join(' → ')}`;
      },
    },
    {
      name: 'JSON round trip keeps code, message, correlation id and cause',
      run: (ctx) => {
        const original = withContext({ operation: 'config.load' }, () => {
          const cause = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
          return new FoundationError('config_not_found', 'no config file', { cause });
        });
        const text = JSON.stringify(serializeError(original));
        const restored = deserializeError(text);
        if (!FoundationError.is(restored)) throw new Error('did not restore a FoundationError');
        const cause = restored.cause as Error & { code?: string };
        const same =
          restored.code === original.code &&
          restored.message === original.message &&
          restored.correlationId === original.correlationId &&
          cause.message === 'ENOENT: no such file' &&
          cause.code === 'ENOENT';
        if (!same) throw new Error('the restored error differs from the original');
        ctx.detail(`${text.length} bytes of JSON`);
        return `[${restored.code} ${restored.codeName}] '${restored.message}', cause ${cause.code}, correlation id kept`;
      },
    },
    {
      name: 'retry hints per code',
      run: (ctx) => {
        const codes: ErrorCodeName[] = [
          'network_error',
          'service_unavailable',
          'timeout',
          'initialization_failed',
          'invalid_input',
        ];
        for (const code of codes) {
          const error = new FoundationError(code);
          const delays = [0, 1, 2, 5].map((attempt) => retryDelayMs(error, attempt));
          ctx.detail(`${code} (${error.retryStrategy}): attempts 0/1/2/5 → ${delays.join('/')} ms`);
        }
        const backoff = retryDelayMs(new FoundationError('network_error'), 5);
        const timedOut = retryDelayMs(new FoundationError('timeout'), 3);
        const fixed = retryDelayMs(new FoundationError('initialization_failed'), 5);
        const never = retryDelayMs(new FoundationError('invalid_input'), 0);
        if (backoff !== 30_000 || timedOut !== 8_000 || fixed !== 1_000 || never !== Infinity) {
          throw new Error(`unexpected delays: ${backoff}, ${timedOut}, ${fixed}, ${never}`);
        }
        return 'backoff doubles from 1 s and caps at 30 s; fixed delay 1 s; none never retries';
      },
    },
    {
      name: 'a plain error escaping withContext is wrapped with operation and duration',
      run: async (ctx) => {
        const outcome = await withContext({ operation: 'inventory.reserve' }, async () => {
          await new Promise<void>((resolve) => setImmediate(resolve));
          throw new RangeError('quantity must be positive');
        }).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (!FoundationError.is(outcome)) throw new Error('the escaping error was not wrapped');
        const { operation, durationNs } = outcome.context;
        if (operation !== 'inventory.reserve' || typeof durationNs !== 'number') {
          throw new Error('operation or duration missing');
        }
        if (!(outcome.cause instanceof RangeError)) throw new Error('original cause lost');
        ctx.detail(`cause: ${outcome.cause.name}: ${outcome.cause.message}`);
        return `[${outcome.code} ${outcome.codeName}] '${outcome.message}' after ${(durationNs / 1e6).toFixed(2)} ms`;
      },
    },
  ],
};
