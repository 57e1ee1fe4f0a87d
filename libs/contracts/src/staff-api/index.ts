export * from './queries';
export * from './workflow';
