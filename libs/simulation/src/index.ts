export * from './traffic-generator';
export * from './simulation-runner';
