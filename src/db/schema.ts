import type { CoreTables } from './core-tables.ts';
import type { KeyTables } from '../kernel/crypto/key-tables.ts';

/**
 * Every table Custodian stores, composed from each area's table interfaces. An area adds its own
 * `XTables` interface here and its migration under `src/db/migrations/`.
 */
export interface Database extends CoreTables, KeyTables {}
