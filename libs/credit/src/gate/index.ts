export * from './gate-decision.service';
export * from './station-authenticator';
export * from './station-key.service';
export * from './turn-back-record.service';
