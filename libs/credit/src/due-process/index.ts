export * from './notice-service.service';
export * from './objection.service';
