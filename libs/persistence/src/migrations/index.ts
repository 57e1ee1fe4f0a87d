import { CreateCoreSchema1764190800000 } from './1764190800000-CreateCoreSchema';

/** Every migration in order. Listed explicitly so that the built code and Jest find the same set. */
export const MIGRATIONS = [CreateCoreSchema1764190800000];
