import { FoundationError, withContext } from '@foundation/errors';
import { ManualClock } from '@foundation/core';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  attach,
  attachMany,
  captureTelemetry,
  createTelemetry,
  currentSpan,
  detach,
  emitCounter,
  emitGauge,
  eventMetricName,
  execute,
  HANDLER_FAILURE_EVENT,
  isValidEventName,
  listHandlers,
  measureEvent,
  span,
  type EventName,
  type Handler,
} from '../src/index.js';

const NAME: EventName = ['foundation', 'config', 'updated'];

function expectCode(fn: () => unknown, codeName: string, path?: string): FoundationError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(FoundationError.is(caught)).toBe(true);
  const error = caught as FoundationError;
  expect(error.codeName).toBe(codeName);
  if (path !== undefined) expect(error.context.path).toBe(path);
  expect(typeof error.context.rule).toBe('string');
  return error;
}

describe('execute and attach', () => {
  it('dispatches synchronously to handlers of the exact event name, in attach order', () => {
    const t = createTelemetry();
    const calls: string[] = [];
    t.attach('a', NAME, (name, m, meta) =>
      calls.push(`a:${name.join('.')}:${m.count}:${String(meta.who)}`),
    );
    t.attach('b', NAME, () => calls.push('b'));
    t.attach('other', ['foundation', 'config'], () => calls.push('prefix-only'));
    t.execute(NAME, { count: 2 }, { who: 'me' });
    expect(calls).toEqual(['a:foundation.config.updated:2:me', 'b']);
    t.execute(['foundation', 'config', 'updated', 'deeper'], { count: 1 });
    t.execute(['nobody', 'listens'], { count: 1 });
    expect(calls).toHaveLength(2);
  });

  it('passes an empty frozen metadata object when none is given', () => {
    const t = createTelemetry();
    const seen: unknown[] = [];
    t.attach('a', NAME, (_n, _m, meta) => seen.push(meta));
    t.execute(NAME, {});
    expect(seen[0]).toEqual({});
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it('sees events for different names alternately (the name cache never mixes them up)', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attach('a', ['x', 'a'], () => seen.push('a'));
    t.attach('b', ['x', 'b'], () => seen.push('b'));
    for (let i = 0; i < 3; i++) {
      t.execute(['x', 'a'], {});
      t.execute(['x', 'b'], {});
      t.execute(['x', 'c'], {});
    }
    expect(seen.join('')).toBe('ababab');
    // A reused array whose contents change is looked up again.
    const reused = ['x', 'a'];
    t.execute(reused, {});
    reused[1] = 'b';
    t.execute(reused, {});
    expect(seen.slice(-2)).toEqual(['a', 'b']);
  });

  it('keeps frozen names that take turns apart, across attaches and detaches', () => {
    const t = createTelemetry();
    const start = Object.freeze(['span', 'start']);
    const stop = Object.freeze(['span', 'stop']);
    const seen: string[] = [];
    const turn = (): void => {
      t.execute(start, {});
      t.execute(stop, {});
    };
    turn();
    t.attach('start', start, () => seen.push('start'));
    turn();
    t.attach('stop', ['span', 'stop'], () => seen.push('stop'));
    turn();
    turn();
    t.detach('start');
    turn();
    expect(seen).toEqual(['start', 'start', 'stop', 'start', 'stop', 'stop']);
  });

  it('recognises a repeated frozen name by identity, and still sees attaches and detaches', () => {
    const t = createTelemetry();
    const frozenA = Object.freeze(['x', 'a']);
    const seen: string[] = [];
    t.execute(frozenA, {});
    t.attach('a', ['x', 'a'], () => seen.push('a'));
    t.execute(frozenA, {});
    t.execute(frozenA, {});
    // An equal but different array, frozen or not, finds the same handlers.
    t.execute(['x', 'a'], {});
    t.execute(Object.freeze(['x', 'a']), {});
    t.detach('a');
    t.execute(frozenA, {});
    expect(seen).toEqual(['a', 'a', 'a', 'a']);
    // A frozen name is validated once, like any other: a bad one is refused every time.
    const bad = Object.freeze(['x', '']);
    expect(() => {
      t.execute(bad, {});
    }).toThrow(FoundationError);
    expect(() => {
      t.execute(bad, {});
    }).toThrow(FoundationError);
  });

  it('attachMany attaches one handler to several events; detach removes it from all', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attachMany('many', [['a'], ['b'], ['a']], (name) => seen.push(name.join('.')));
    expect(t.listHandlers()).toHaveLength(2);
    t.execute(['a'], {});
    t.execute(['b'], {});
    expect(seen).toEqual(['a', 'b']);
    expect(t.detach('many')).toBe(true);
    expect(t.detach('many')).toBe(false);
    t.execute(['a'], {});
    expect(seen).toHaveLength(2);
    expect(t.listHandlers()).toEqual([]);
  });

  it('listHandlers filters by prefix and reports the failure policy', () => {
    const t = createTelemetry();
    t.attach('cfg', ['foundation', 'config', 'updated'], () => undefined);
    t.attach('evt', ['foundation', 'events', 'appended'], () => undefined, { onError: 'keep' });
    expect(t.listHandlers(['foundation', 'config']).map((h) => h.id)).toEqual(['cfg']);
    expect(t.listHandlers(['foundation']).map((h) => h.id)).toEqual(['cfg', 'evt']);
    expect(t.listHandlers(['foundation', 'events'])[0]).toEqual({
      id: 'evt',
      eventName: ['foundation', 'events', 'appended'],
      onError: 'keep',
    });
    expect(t.listHandlers(['nothing'])).toEqual([]);
  });

  it('refuses a second handler under the same id and leaves the first in place', () => {
    const t = createTelemetry();
    const first = vi.fn();
    t.attach('dup', NAME, first);
    const error = expectCode(
      () => {
        t.attach('dup', ['other'], () => undefined);
      },
      'telemetry_handler_exists',
      'id',
    );
    expect(error.code).toBe(6101);
    t.execute(NAME, {});
    expect(first).toHaveBeenCalledTimes(1);
    expect(t.listHandlers()).toHaveLength(1);
  });

  it('refuses bad attach arguments without attaching anything', () => {
    const t = createTelemetry();
    expectCode(
      () => {
        t.attach('', NAME, () => undefined);
      },
      'invalid_input',
      'id',
    );
    expectCode(
      () => {
        t.attach('x', NAME, 'nope' as unknown as Handler);
      },
      'type_mismatch',
      'handler',
    );
    expectCode(
      () => {
        t.attach('x', NAME, () => undefined, { onError: 'explode' as 'keep' });
      },
      'invalid_input',
      'options.onError',
    );
    expectCode(
      () => {
        t.attachMany('x', [], () => undefined);
      },
      'invalid_input',
      'eventNames',
    );
    expectCode(
      () => {
        t.attachMany('x', [['ok'], ['bad', '']], () => undefined);
      },
      'invalid_input',
      'eventNames[1][1]',
    );
    expectCode(
      () => t.listHandlers('foundation' as unknown as EventName),
      'invalid_input',
      'prefix',
    );
    expect(t.listHandlers()).toEqual([]);
  });
});

describe('bad input at the call site', () => {
  const t = createTelemetry();

  it.each([
    ['a string', 'foundation.config', 'eventName'],
    ['an empty list', [], 'eventName'],
    ['an empty segment', ['foundation', ''], 'eventName[1]'],
    ['a number segment', ['foundation', 3], 'eventName[1]'],
    ['__proto__', ['__proto__'], 'eventName[0]'],
    ['constructor', ['a', 'constructor'], 'eventName[1]'],
    ['too many segments', Array.from({ length: 17 }, () => 's'), 'eventName'],
  ])('refuses %s as an event name even when nobody listens', (_label, name, path) => {
    expectCode(
      () => {
        t.execute(name as unknown as EventName, {});
      },
      'invalid_input',
      path,
    );
    expect(isValidEventName(name)).toBe(false);
  });

  it('refuses non-numeric, non-finite and forbidden measurements when the event is dispatched', () => {
    const handler = vi.fn();
    t.attach('m', NAME, handler);
    expectCode(
      () => {
        t.execute(NAME, { count: '1' } as unknown as Record<string, number>);
      },
      'type_mismatch',
      'measurements.count',
    );
    expectCode(
      () => {
        t.execute(NAME, { durationNs: Number.NaN });
      },
      'type_mismatch',
      'measurements.durationNs',
    );
    expectCode(
      () => {
        t.execute(NAME, { x: Infinity });
      },
      'type_mismatch',
      'measurements.x',
    );
    expectCode(
      () => {
        t.execute(NAME, JSON.parse('{"__proto__": 1}'));
      },
      'invalid_input',
      'measurements.__proto__',
    );
    expectCode(
      () => {
        t.execute(NAME, null as unknown as Record<string, number>);
      },
      'type_mismatch',
      'measurements',
    );
    expectCode(
      () => {
        t.execute(NAME, [1] as unknown as Record<string, number>);
      },
      'type_mismatch',
      'measurements',
    );
    expect(handler).not.toHaveBeenCalled();
    t.detach('m');
  });
});

describe('measurement validity does not depend on who listens', () => {
  const outcome = (t: ReturnType<typeof createTelemetry>, measurements: unknown): string => {
    try {
      t.execute(NAME, measurements as Record<string, number>);
      return 'ok';
    } catch (error) {
      return FoundationError.is(error)
        ? `${error.code} ${String(error.context.path)}`
        : `raw ${String(error)}`;
    }
  };

  it('refuses bad measurements with no handler attached, as with one', () => {
    const idle = createTelemetry();
    for (const bad of [{ v: 'str' }, { n: Number.NaN }, { i: -Infinity }, null, [1], 'x']) {
      expect(outcome(idle, bad)).not.toBe('ok');
    }
    expectCode(
      () => {
        idle.execute(['a'], { v: 'str' } as unknown as Record<string, number>);
      },
      'type_mismatch',
      'measurements.v',
    );
  });

  it('gives the same verdict with and without a handler, for any measurements', () => {
    const value = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.string(),
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
    );
    const key = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constant('__proto__'));
    const measurements = fc.oneof(
      fc.dictionary(key, value, { maxKeys: 4 }),
      fc.dictionary(key, value, { maxKeys: 4 }).map((m) => Object.freeze(m)),
      value,
    );
    fc.assert(
      fc.property(measurements, (m) => {
        const idle = createTelemetry();
        const heard = createTelemetry();
        heard.attach('h', NAME, () => undefined);
        const first = outcome(idle, m);
        expect(first).toBe(outcome(heard, m));
        expect(first.startsWith('raw')).toBe(false);
        // Repeating the same object gives the same verdict (a checked frozen object is remembered).
        expect(outcome(idle, m)).toBe(first);
      }),
    );
  });

  it('checks a mutable measurements object again on every call', () => {
    const idle = createTelemetry();
    const measurements: Record<string, unknown> = { count: 1 };
    expect(outcome(idle, measurements)).toBe('ok');
    measurements.count = 'later';
    expect(outcome(idle, measurements)).toBe('3201 measurements.count');
  });
});

describe('failing handlers', () => {
  it('detaches a throwing handler by default, reports it, and the caller carries on', () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const t = createTelemetry({ logger });
    const failures: unknown[] = [];
    t.attach('watcher', HANDLER_FAILURE_EVENT, (_n, _m, meta) => failures.push(meta));
    const after = vi.fn();
    t.attachMany('bad', [NAME, ['other']], () => {
      throw new Error('boom');
    });
    t.attach('good', NAME, after);
    const channelMessages: unknown[] = [];
    const onChannel = (message: unknown): void => {
      channelMessages.push(message);
    };
    subscribe('foundation:telemetry:handler-failed', onChannel);
    try {
      expect(() => {
        t.execute(NAME, { count: 1 });
      }).not.toThrow();
    } finally {
      unsubscribe('foundation:telemetry:handler-failed', onChannel);
    }
    expect(after).toHaveBeenCalledTimes(1);
    expect(t.listHandlers().map((h) => h.id)).toEqual(['watcher', 'good']);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ handlerId: 'bad', eventName: NAME, policy: 'detach' });
    expect((failures[0] as { error: Error }).error.message).toBe('boom');
    expect(channelMessages).toHaveLength(1);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0]![1]).toMatch(/detached/);
    t.execute(NAME, { count: 1 });
    expect(failures).toHaveLength(1);
  });

  it('keeps a handler whose policy says so, reporting every failure', () => {
    const t = createTelemetry();
    let calls = 0;
    t.attach(
      'flaky',
      NAME,
      () => {
        calls++;
        throw new Error('again');
      },
      { onError: 'keep' },
    );
    using capture = captureTelemetry([HANDLER_FAILURE_EVENT], { telemetry: t });
    t.execute(NAME, {});
    t.execute(NAME, {});
    expect(calls).toBe(2);
    expect(capture.events).toHaveLength(2);
    expect(capture.events[0]!.metadata.policy).toBe('keep');
  });

  it('does not recurse when a kept handler on the failure event itself throws, nor break on a broken logger', () => {
    const logger = {
      warn: () => undefined,
      error: () => {
        throw new Error('logger down');
      },
    };
    const t = createTelemetry({ logger });
    let failureHandlerCalls = 0;
    t.attach(
      'bad-watcher',
      HANDLER_FAILURE_EVENT,
      () => {
        failureHandlerCalls++;
        throw new Error('watcher fails too');
      },
      { onError: 'keep' },
    );
    t.attach('bad', NAME, () => {
      throw new Error('boom');
    });
    expect(() => {
      t.execute(NAME, {});
    }).not.toThrow();
    expect(failureHandlerCalls).toBe(1);
    expect(t.logger).toBe(logger);
    t.setLogger(undefined);
    expect(t.logger).toBeUndefined();
  });
});

describe('span', () => {
  it('emits start and stop with durationNs for a sync function and returns its result', () => {
    const clock = new ManualClock();
    const t = createTelemetry({ clock });
    using capture = captureTelemetry(
      [
        ['job', 'start'],
        ['job', 'stop'],
        ['job', 'exception'],
      ],
      {
        telemetry: t,
      },
    );
    const result = t.span(['job'], { kind: 'demo' }, () => {
      clock.advance(5);
      return 42;
    });
    expect(result).toBe(42);
    expect(capture.events.map((e) => e.eventName.at(-1))).toEqual(['start', 'stop']);
    const [start, stop] = capture.events;
    expect(start!.measurements.monotonicTimeNs).toBe(0);
    expect(typeof start!.measurements.systemTimeMs).toBe('number');
    expect(stop!.measurements.durationNs).toBe(5_000_000);
    expect(stop!.metadata.kind).toBe('demo');
    expect(stop!.metadata.spanId).toBe(start!.metadata.spanId);
    expect(capture.named(['job', 'stop'])).toHaveLength(1);
  });

  it('emits exception with the error and rethrows it, sync and async', async () => {
    const t = createTelemetry();
    using capture = captureTelemetry(
      [
        ['job', 'exception'],
        ['job', 'stop'],
      ],
      { telemetry: t },
    );
    const boom = new Error('boom');
    expect(() =>
      t.span(['job'], {}, () => {
        throw boom;
      }),
    ).toThrow(boom);
    await expect(
      t.span(['job'], {}, async () => {
        await Promise.resolve();
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(capture.events).toHaveLength(2);
    for (const event of capture.events) {
      expect(event.eventName.at(-1)).toBe('exception');
      expect(event.metadata.error).toBe(boom);
      expect(event.metadata.kind).toBe('error');
      expect(event.measurements.durationNs).toBeGreaterThanOrEqual(0);
    }
  });

  it('keeps a promise a promise and carries span and parent ids through async calls', async () => {
    const t = createTelemetry();
    using capture = captureTelemetry(
      [
        ['outer', 'stop'],
        ['inner', 'stop'],
      ],
      { telemetry: t },
    );
    let innerSeen: ReturnType<typeof currentSpan>;
    const promise = t.span(['outer'], {}, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return t.span(['inner'], {}, async () => {
        await Promise.resolve();
        innerSeen = currentSpan();
        return 'done';
      });
    });
    expect(promise).toBeInstanceOf(Promise);
    expect(currentSpan()).toBeUndefined();
    await expect(promise).resolves.toBe('done');
    const outer = capture.named(['outer', 'stop'])[0]!;
    const inner = capture.named(['inner', 'stop'])[0]!;
    expect(inner.metadata.parentSpanId).toBe(outer.metadata.spanId);
    expect(outer.metadata.parentSpanId).toBeUndefined();
    expect(innerSeen!.spanId).toBe(inner.metadata.spanId);
    expect(innerSeen!.parentSpanId).toBe(outer.metadata.spanId);
    expect(innerSeen!.eventName).toEqual(['inner']);
  });

  it('names a span by the current contents of a reused name array', () => {
    const t = createTelemetry();
    using capture = captureTelemetry(
      [
        ['a', 'stop'],
        ['b', 'stop'],
      ],
      { telemetry: t },
    );
    const name = ['a'];
    t.span(name, {}, () => 1);
    name[0] = 'b';
    t.span(name, {}, () => 1);
    expect(capture.events.map((e) => e.eventName.join('.'))).toEqual(['a.stop', 'b.stop']);
  });

  it('adds the correlation id of the current ErrorContext', () => {
    const t = createTelemetry();
    using capture = captureTelemetry([['op', 'start']], { telemetry: t });
    withContext({ operation: 'test.op', correlationId: 'corr-1' }, () =>
      t.span(['op'], {}, () => 1),
    );
    expect(capture.events[0]!.metadata.correlationId).toBe('corr-1');
  });

  it('refuses a bad name or a non-function', () => {
    const t = createTelemetry();
    expectCode(() => t.span([''] as EventName, {}, () => 1), 'invalid_input');
    expectCode(() => t.span(['ok'], {}, 'x' as unknown as () => number), 'type_mismatch', 'fn');
  });
});

describe('the seed names and the default instance', () => {
  it('measureEvent, emitCounter and emitGauge are thin names over span and execute', () => {
    using capture = captureTelemetry([['dev_workflow', 'test', 'stop'], ['c'], ['g']]);
    expect(measureEvent(['dev_workflow', 'test'], {}, () => 'telemetry_test')).toBe(
      'telemetry_test',
    );
    emitCounter(['c'], { why: 'x' });
    emitGauge(['g'], 7);
    expect(capture.events.map((e) => e.eventName.join('.'))).toEqual([
      'dev_workflow.test.stop',
      'c',
      'g',
    ]);
    expect(capture.events[1]!.measurements).toEqual({ count: 1 });
    expect(capture.events[1]!.metadata).toEqual({ why: 'x' });
    expect(capture.events[2]!.measurements).toEqual({ value: 7 });
    capture.clear();
    expect(capture.events).toEqual([]);
  });

  it('emitCounter and emitGauge update real metrics, visible in getMetrics and Prometheus', () => {
    const t = createTelemetry();
    t.emitCounter(['http', 'requests'], { route: '/a' });
    t.emitCounter(['http', 'requests']);
    t.emitCounter(Object.freeze(['http', 'requests']));
    t.emitGauge(['queue', 'depth'], 7);
    t.emitGauge(['queue', 'depth'], 3.5);
    const byName = new Map(t.metrics.getMetrics().metrics.map((m) => [m.name, m]));
    expect(byName.get('http_requests_total')).toMatchObject({
      kind: 'counter',
      series: [{ labels: {}, value: 3 }],
    });
    expect(byName.get('queue_depth')).toMatchObject({
      kind: 'gauge',
      series: [{ labels: {}, value: 3.5 }],
    });
    const text = t.metrics.toPrometheus();
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toContain('http_requests_total 3');
    expect(text).toContain('queue_depth 3.5');
  });

  it('emitCounter and emitGauge change nothing when refused', () => {
    const t = createTelemetry();
    t.metrics.counter('taken_total', { labelNames: ['x'] });
    expectCode(() => {
      t.emitCounter(['taken']);
    }, 'telemetry_metric_conflict');
    expectCode(
      () => {
        t.emitCounter(['__proto__']);
      },
      'invalid_input',
      'eventName[0]',
    );
    expectCode(
      () => {
        t.emitGauge(['level'], Number.NaN);
      },
      'type_mismatch',
      'measurements.value',
    );
    expectCode(() => {
      t.emitGauge(['level'], '3' as unknown as number);
    }, 'type_mismatch');
    expect(t.metrics.getMetrics().metrics.map((m) => m.name)).toEqual(['taken_total']);
  });

  it('names emitted metrics validly for any event name', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        (name) => {
          fc.pre(isValidEventName(name));
          const counter = eventMetricName(name, '_total');
          expect(counter).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*_total$/);
          expect(eventMetricName(name)).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
          const t = createTelemetry();
          t.emitCounter(name);
          expect(t.metrics.get(counter)?.snapshot().series[0]).toMatchObject({ value: 1 });
        },
      ),
    );
  });

  it('module-level functions act on the default instance', () => {
    const seen: string[] = [];
    attach('default-a', ['d', 'a'], (n) => seen.push(n.join('.')));
    attachMany('default-b', [['d', 'b']], (n) => seen.push(n.join('.')));
    execute(['d', 'a'], {});
    execute(['d', 'b'], {}, { m: 1 });
    expect(span(['d', 'span'], {}, () => 3)).toBe(3);
    expect(listHandlers(['d']).map((h) => h.id)).toEqual(['default-a', 'default-b']);
    expect(detach('default-a')).toBe(true);
    expect(detach('default-b')).toBe(true);
    expect(seen).toEqual(['d.a', 'd.b']);
  });

  it('captureTelemetry stops recording when stopped', () => {
    const t = createTelemetry();
    const capture = captureTelemetry([['x']], { telemetry: t });
    t.execute(['x'], {});
    capture.stop();
    capture.stop();
    t.execute(['x'], {});
    expect(capture.events).toHaveLength(1);
    expect(t.listHandlers()).toEqual([]);
  });
});

describe('telemetry entry points refuse bad and unknown options', () => {
  it('names an unknown option and lists the known ones', () => {
    let caught = expectCode(
      () => createTelemetry({ maxSeries: 5 } as never),
      'invalid_input',
      'options.maxSeries',
    );
    expect(caught.message).toMatch(/known: clock, logger, maxSeriesPerMetric/);
    expectCode(() => createTelemetry(5 as never), 'invalid_input', 'options');
    const t = createTelemetry();
    caught = expectCode(
      () => {
        t.attach('h', ['a'], () => undefined, { onErorr: 'keep' } as never);
      },
      'invalid_input',
      'options.onErorr',
    );
    expect(caught.message).toMatch(/known: onError/);
    expect(t.listHandlers()).toEqual([]);
  });
});
