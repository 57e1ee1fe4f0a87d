export * from './seeded-random';
export * from './simulated-stations';
export * from './fleet-generator';
export * from './permit-generator';
export * from './simulated-registry';
export * from './traffic-generator';
export * from './simulation-runner';
export * from './synthetic-calendar';
