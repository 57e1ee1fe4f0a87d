export * from './redis.module';
export * from './turn-back-cache';
