export * from './data-source';
export * from './database-admin';
export * from './migrations';
export * from './database.module';
export * from './audit/audit-log.repository';
export * from './outbox/outbox.repository';
export * from './credit/weighing.repository';
export * from './credit/credit.repository';
