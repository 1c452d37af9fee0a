import { describe, expect, it } from 'vitest';
import {
  checkConformance,
  ConfigurableDescriptor,
  err,
  HealthReportDescriptor,
  InvalidInputError,
  isService,
  ok,
  SerializerDescriptor,
  ServiceDescriptor,
  type Configurable,
  type HealthReport,
  type Result,
  type Serializer,
  type Service,
} from '../src/index.js';

class QueueService implements Service {
  readonly name = 'queue';
  start(): void {}
  stop(): void {}
  health(): HealthReport {
    return { status: 'healthy' };
  }
}

const jsonSerializer: Serializer<unknown> = {
  format: 'json',
  contentType: 'application/json',
  serialize: (value) => new TextEncoder().encode(JSON.stringify(value)),
  deserialize: (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown,
};

const configurable: Configurable<{ port: number }> = {
  getConfig: () => ({ port: 80 }),
  validateConfig: (candidate): Result<{ port: number }> =>
    typeof candidate === 'object' && candidate !== null && 'port' in candidate
      ? ok(candidate as { port: number })
      : err(new TypeError('port missing')),
};

describe('descriptors', () => {
  it('describe each interface, deeply frozen', () => {
    for (const descriptor of [
      ServiceDescriptor,
      HealthReportDescriptor,
      ConfigurableDescriptor,
      SerializerDescriptor,
    ]) {
      expect(Object.isFrozen(descriptor)).toBe(true);
      expect(Object.isFrozen(descriptor.members)).toBe(true);
      for (const member of descriptor.members) {
        expect(Object.isFrozen(member)).toBe(true);
        expect(member.kind === 'method').toBe(member.type === 'function');
        expect(member.description.length).toBeGreaterThan(0);
      }
    }
    expect(ServiceDescriptor.name).toBe('Service');
    expect(ServiceDescriptor.members.map((m) => [m.name, m.optional])).toEqual([
      ['name', false],
      ['start', false],
      ['stop', false],
      ['health', false],
      ['status', true],
    ]);
    expect(SerializerDescriptor.members.map((m) => m.name)).toEqual([
      'format',
      'contentType',
      'serialize',
      'deserialize',
    ]);
    expect(ConfigurableDescriptor.members.map((m) => m.name)).toEqual([
      'getConfig',
      'validateConfig',
    ]);
  });
});

describe('checkConformance', () => {
  it('finds no problem in conforming implementations, prototype methods included', () => {
    expect(checkConformance(new QueueService(), ServiceDescriptor)).toEqual([]);
    expect(checkConformance(jsonSerializer, SerializerDescriptor)).toEqual([]);
    expect(checkConformance(configurable, ConfigurableDescriptor)).toEqual([]);
    expect(
      checkConformance({ status: 'degraded', message: 'slow' }, HealthReportDescriptor),
    ).toEqual([]);
    expect(configurable.validateConfig({ port: 1 }).ok).toBe(true);
    expect(configurable.validateConfig(null).ok).toBe(false);
    expect(jsonSerializer.deserialize(jsonSerializer.serialize({ a: 1 }))).toEqual({ a: 1 });
  });

  it('reports missing members and members of the wrong type', () => {
    const broken = { name: 7, start() {}, health: 'fine', status: 3 };
    expect(checkConformance(broken, ServiceDescriptor)).toEqual([
      { member: 'name', problem: 'wrong-type', expected: 'string', actual: 'number' },
      { member: 'stop', problem: 'missing', expected: 'function', actual: 'undefined' },
      { member: 'health', problem: 'wrong-type', expected: 'function', actual: 'string' },
      { member: 'status', problem: 'wrong-type', expected: 'function', actual: 'number' },
    ]);
    expect(checkConformance({ status: 'healthy', details: 'x' }, HealthReportDescriptor)).toEqual([
      { member: 'details', problem: 'wrong-type', expected: 'object', actual: 'string' },
    ]);
  });

  it('treats non-objects as missing every required member', () => {
    for (const value of [null, undefined, 42, 'service', true]) {
      const problems = checkConformance(value, ServiceDescriptor);
      expect(problems.map((p) => p.member)).toEqual(['name', 'start', 'stop', 'health']);
      expect(problems.every((p) => p.problem === 'missing')).toBe(true);
    }
  });

  it('accepts a function carrying the members', () => {
    const fn = Object.assign(() => undefined, {
      getConfig: () => ({}),
      validateConfig: () => ok({}),
    });
    expect(checkConformance(fn, ConfigurableDescriptor)).toEqual([]);
  });

  it('refuses a descriptor that is not one, naming the part that is wrong', () => {
    const cases: [unknown, string][] = [
      [undefined, 'descriptor'],
      [null, 'descriptor'],
      [{}, 'descriptor.members'],
      [{ members: 'name' }, 'descriptor.members'],
      [{ members: [null] }, 'descriptor.members[0]'],
      [{ members: [{ type: 'string' }] }, 'descriptor.members[0].name'],
      [{ members: [{ name: 'x', type: 'symbol' }] }, 'descriptor.members[0].type'],
    ];
    for (const [descriptor, path] of cases) {
      let caught: unknown;
      try {
        checkConformance({}, descriptor as never);
      } catch (error) {
        caught = error;
      }
      expect(caught, path).toBeInstanceOf(InvalidInputError);
      expect(caught, path).toMatchObject({ code: 3204, codeName: 'invalid_input', path });
    }
  });
});

describe('isService', () => {
  it('is true exactly when the shape conforms', () => {
    expect(isService(new QueueService())).toBe(true);
    // Copying own properties loses the prototype's methods.
    expect(isService(Object.assign({}, new QueueService()))).toBe(false);
    expect(isService(null)).toBe(false);
  });
});
