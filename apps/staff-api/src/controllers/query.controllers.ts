import type { Provider, Type } from '@nestjs/common';

/** Staff and public reads: vehicles, weighings, violations, listings, repairs, audit, stats, postings. */
export const QUERY_CONTROLLERS: Type<unknown>[] = [];
export const QUERY_PROVIDERS: Provider[] = [];
