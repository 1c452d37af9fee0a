import type { ContractDescriptor } from '@foundation/devtools';
import type { Store } from './api.js';

export type { Store };

/** Runtime descriptor of {@link Store}, for `checkCompliance`. Generated: regenerate, do not edit. */
export const StoreDescriptor: ContractDescriptor = {
  name: 'Store',
  members: [
    {
      name: 'size',
      kind: 'property',
      type: 'number',
      optional: false,
      description: 'How many entries it holds.',
    },
    {
      name: 'get',
      kind: 'method',
      type: 'function',
      optional: false,
      description: 'Reads one entry.',
    },
    {
      name: 'set',
      kind: 'method',
      type: 'function',
      optional: false,
      description: 'Writes one entry.',
      arity: 2,
    },
    {
      name: 'forEach',
      kind: 'method',
      type: 'function',
      optional: false,
      description: 'Visits every entry.',
      arity: 2,
    },
    {
      name: 'onEvict',
      kind: 'property',
      type: 'function',
      optional: true,
      description: 'Called on eviction.',
    },
  ],
};
