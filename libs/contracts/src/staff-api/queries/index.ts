export * from './staff-query.dto';
