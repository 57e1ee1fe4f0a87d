export * from './data-source';
export * from './database-admin';
export * from './migrations';
export * from './database.module';
