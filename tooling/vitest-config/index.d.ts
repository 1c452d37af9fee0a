import type { ViteUserConfig } from 'vitest/config';
/** The shared Foundation vitest preset with enforced coverage. */
export declare function foundationVitest(overrides?: ViteUserConfig): ViteUserConfig;
