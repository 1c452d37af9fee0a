import type { Options } from 'tsup';
/** The shared Foundation tsup preset (ESM + CJS + .d.ts + sourcemaps without `sourcesContent`). */
export declare function foundationTsup(overrides?: Partial<Options>): Options | Options[];
