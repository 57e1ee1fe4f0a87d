export * from './staff-read-models';
export * from './publication-deadline';
export * from './mask-name';
export * from './staff-query.repository';
export * from './vehicle-profile.repository';
export * from './stats.repository';
export * from './public-posting.repository';
export * from './staff-workflow.repository';
