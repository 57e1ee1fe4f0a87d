export * from './traffic-generator';
