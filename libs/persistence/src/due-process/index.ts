export * from './revocation.repository';
export * from './objection.repository';
