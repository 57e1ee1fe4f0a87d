export * from './kafka.module';
export * from './kafka-batch.server';
export * from './topic-admin';
export * from './dead-letter.publisher';
export * from './outbox-relay';
export * from './dead-letter-replay';
export * from './gate-decision.publisher';
export * from './audit-anchor-reader';
