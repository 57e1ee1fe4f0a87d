export * from './redis.module';
export * from './turn-back-cache';
export * from './permit-cache-entry';
