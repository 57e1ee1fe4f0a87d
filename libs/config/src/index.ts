export * from './app-config';
export * from './config.module';
export * from './credit-rules';
export * from './official-calendar-file';
