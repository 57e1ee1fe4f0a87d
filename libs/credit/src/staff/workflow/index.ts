export * from './violation-workflow.service';
export * from './listing-publication.service';
export * from './credit-repair.service';
