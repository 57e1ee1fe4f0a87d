export * from './staff-stats.service';
