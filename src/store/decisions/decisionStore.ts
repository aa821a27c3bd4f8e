import type { Kysely } from 'kysely';
import type { DecisionStore } from '../../pipeline/ports.js';
import type { DB } from '../schema.js';
import { answers } from './answers.js';
import { claims } from './claims.js';
import { history } from './history.js';
import { patterns } from './patterns.js';

/** PostgreSQL (and PGlite) implementation of the decision stage's port, one file per concern. */
export function decisionStore(db: Kysely<DB>): DecisionStore {
  return { ...claims(db), ...answers(db), ...patterns(db), ...history(db) };
}
