import { createConfig, type ConfigChange, type ConfigStore } from '@foundation/config';
import {
  elixirScopeExampleSchema,
  elixirScopeUpdatablePaths,
  type ElixirScopeExampleConfig,
} from '@foundation/config/examples';
import { isFoundationError } from '@foundation/errors';
import type { StepContext, StepGroup } from './types.js';

const SAMPLING_RATE = 'ai.planning.samplingRate';
const STORE_KEY = 'config.store';
const OLD_RATE_KEY = 'config.oldRate';

function store(ctx: StepContext): ConfigStore<ElixirScopeExampleConfig> {
  let config = ctx.shared.get(STORE_KEY) as ConfigStore<ElixirScopeExampleConfig> | undefined;
  if (!config) {
    config = createConfig({
      schema: elixirScopeExampleSchema,
      updatable: elixirScopeUpdatablePaths,
      secrets: ['ai.apiKey'],
      sources: { env: { prefix: 'ELIXIR_SCOPE_' } },
    });
    ctx.shared.set(STORE_KEY, config);
  }
  return config;
}

/** Runs `fn`, which must be refused with `code`; returns the refusal's one-line summary. */
function refused(fn: () => unknown, code: number): string {
  try {
    fn();
  } catch (error) {
    if (isFoundationError(error) && error.code === code) {
      return `${error.code} ${error.codeName} (${String(error.context.rule)})`;
    }
    throw error;
  }
  throw new Error(`expected a ${code} refusal, the update was accepted`);
}

/** The config steps of the seed's workflow: read, update, refuse, restore, subscribe. */
export const configSteps: StepGroup = {
  title: 'Config',
  steps: [
    {
      name: 'read the whole config and the AI provider',
      run: (ctx) => {
        const config = store(ctx);
        const all = config.get();
        ctx.detail(`sections: ${Object.keys(all).join(', ')}`);
        ctx.detail(`provider from ${config.explain('ai.provider').origin.layer}`);
        return `AI provider = ${all.ai.provider}, model ${config.get('ai.model')}`;
      },
    },
    {
      name: `update ${SAMPLING_RATE} to 0.8 and read it back`,
      run: (ctx) => {
        const config = store(ctx);
        const oldRate = config.get(SAMPLING_RATE);
        ctx.shared.set(OLD_RATE_KEY, oldRate);
        const version = config.update(SAMPLING_RATE, 0.8);
        const newRate = config.get(SAMPLING_RATE);
        if (newRate !== 0.8) throw new Error(`read back ${newRate}, expected 0.8`);
        return `${oldRate} → ${newRate} (version ${version})`;
      },
    },
    {
      name: 'a forbidden update is refused',
      run: (ctx) =>
        `ai.provider: ${refused(() => store(ctx).update('ai.provider', 'openai'), 1401)}`,
    },
    {
      name: 'an invalid value is refused',
      run: (ctx) => {
        const config = store(ctx);
        const outcome = refused(() => config.update(SAMPLING_RATE, 1.5), 1203);
        if (config.get(SAMPLING_RATE) !== 0.8)
          throw new Error('a refused update changed the value');
        return `${SAMPLING_RATE} = 1.5: ${outcome}; value still 0.8`;
      },
    },
    {
      name: 'a subscriber is notified when the old value is restored',
      run: (ctx) => {
        const config = store(ctx);
        const oldRate = ctx.shared.get(OLD_RATE_KEY) as number;
        const seen: ConfigChange[] = [];
        const unsubscribe = config.subscribe('ai.planning', (change) => seen.push(change));
        try {
          config.update(SAMPLING_RATE, oldRate);
        } finally {
          unsubscribe();
        }
        const [change] = seen;
        if (seen.length !== 1 || !change)
          throw new Error(`expected 1 notification, got ${seen.length}`);
        if (config.get(SAMPLING_RATE) !== oldRate)
          throw new Error('the old value was not restored');
        ctx.detail(
          `history: ${config.history().length} changes, status ${JSON.stringify(config.status())}`,
        );
        return `restored ${oldRate}; subscriber saw ${change.path} ${String(change.oldValue)} → ${String(change.newValue)} at version ${change.version}`;
      },
    },
  ],
};
