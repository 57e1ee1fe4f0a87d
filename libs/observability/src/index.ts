export * from './bootstrap';
export * from './health';
export * from './logger';
export * from './metrics';
export * from './observability.module';
export * from './http-errors';
export * from './openapi';
export * from './addresses';
