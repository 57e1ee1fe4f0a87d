import type { Provider, Type } from '@nestjs/common';

/** Staff actions: case processing, revocation, publication, credit repair (issue 5). */
export const WORKFLOW_CONTROLLERS: Type<unknown>[] = [];
export const WORKFLOW_PROVIDERS: Provider[] = [];
