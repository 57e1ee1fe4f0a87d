export * from './violation-actions.dto';
export * from './publication.dto';
export * from './credit-repair-request.dto';
export * from './due-process.dto';
