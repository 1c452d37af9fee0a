import { foundationTsup } from '@foundation/tsup-config';

export default foundationTsup();
