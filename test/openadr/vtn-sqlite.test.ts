/** The VTN conformance checklist on SQLite. */
import { describe } from 'vitest';
import { sqliteDatabases } from '../helpers/databases.ts';
import { runVtnCases } from './vtn.case.ts';

describe('OpenADR VTN on SQLite', () => {
  runVtnCases('sqlite', () => Promise.resolve(sqliteDatabases()));
});
