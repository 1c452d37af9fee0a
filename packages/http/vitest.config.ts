import { foundationVitest } from '@foundation/vitest-config';

export default foundationVitest();
