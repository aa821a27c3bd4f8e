import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { ThreadDirectory, ThreadMessages, ThreadState, ThreadSummary } from '../../venue/ports.js';
import { assignThread, canTransition, sameIssueCutoff, TERMINAL_THREAD_STATES, timeoutCutoff } from '../../venue/threadRules.js';
import type { StoredEvent } from '../events/events.js';
import type { DB, ThreadMessagesTable, ThreadsTable } from '../schema.js';

/** What intake learned about a message beyond its fields (computed by the pure intake detectors, passed in). */
export interface MessageFacts {
  readonly emergency: boolean;
  /** The bay the text names, used when the event's own field is empty. */
  readonly bay: number | null;
}

/** What attaching one accepted customer message did. */
export interface ThreadAttachment {
  readonly threadId: string;
  readonly created: boolean;
  readonly state: ThreadState;
  readonly location: string | null;
  readonly automationPaused: boolean;
  /** Same-issue threads folded into this one. */
  readonly merged: readonly string[];
  /** This message moved the thread to escalated (an emergency). */
  readonly escalated: boolean;
}

export interface ThreadRecord extends ThreadSummary {
  readonly bay: number | null;
  readonly mergedInto: string | null;
  readonly openedAt: Date;
  readonly lastActivityAt: Date;
  readonly resolvedAt: Date | null;
}

export interface ThreadMessageRecord {
  readonly id: number;
  readonly direction: 'in' | 'out';
  readonly eventId: string | null;
  readonly text: string;
  readonly channel: 'sms' | 'web';
  readonly executionId: string | null;
  readonly operatorId: string | null;
  readonly at: Date;
}

export interface ThreadQuery {
  readonly state?: ThreadState;
  readonly location?: string;
  /** Only threads at these locations (an operator's grants); null = all. */
  readonly locations: readonly string[] | null;
  readonly limit: number;
}

/** Outcome of an operator's move on a thread. */
export type ThreadMove = { readonly kind: 'moved'; readonly thread: ThreadRecord; readonly from: ThreadState } | { readonly kind: 'not_found' } | { readonly kind: 'not_allowed'; readonly state: ThreadState };

const toThread = (r: Selectable<ThreadsTable>): ThreadRecord => ({
  id: r.id,
  customer: r.customer,
  location: r.location,
  bay: r.bay,
  state: r.state as ThreadState,
  automationPaused: r.automation_paused,
  mergedInto: r.merged_into,
  openedAt: r.opened_at,
  lastActivityAt: r.last_activity_at,
  resolvedAt: r.resolved_at,
});

const toMessage = (r: Selectable<ThreadMessagesTable>): ThreadMessageRecord => ({
  id: r.id,
  direction: r.direction as 'in' | 'out',
  eventId: r.event_id,
  text: r.text,
  channel: r.channel as 'sms' | 'web',
  executionId: r.execution_id,
  operatorId: r.operator_id,
  at: r.at,
});

const summary = (t: ThreadRecord): ThreadSummary => ({ id: t.id, state: t.state, customer: t.customer, location: t.location, automationPaused: t.automationPaused });

/** Columns a state change sets besides the state itself. */
const sideEffects = (to: ThreadState, at: Date) => ({
  ...(to === 'resolved' || to === 'timeout' || to === 'merged' ? { resolved_at: at } : {}),
  // Escalation hands the thread to a human: nothing may run by itself on it from now on.
  ...(to === 'escalated' ? { automation_paused: true } : {}),
});

/**
 * Attaches an accepted customer message to its thread inside intake's transaction (the message row and its
 * thread commit together with the event, or not at all). A per-customer advisory lock makes two messages of
 * one customer arriving at once on two instances take turns, so they cannot open two threads for one issue.
 */
export async function attachMessage(tx: Transaction<DB>, event: StoredEvent, facts: MessageFacts, newId: () => string): Promise<ThreadAttachment> {
  const at = event.receivedAt;
  await sql`select pg_advisory_xact_lock(hashtextextended(${`thread:${event.sender}`}, 0))`.execute(tx);
  const live = await tx
    .selectFrom('threads')
    .selectAll()
    .where('customer', '=', event.sender)
    .where('state', 'not in', [...TERMINAL_THREAD_STATES])
    .where('last_activity_at', '>=', sameIssueCutoff(at))
    .execute();
  const bay = event.bay ?? facts.bay;
  const choice = assignThread(live.map(toThread), { location: event.location, bay, at });

  let thread: ThreadRecord;
  let merged: readonly string[] = [];
  if (choice.kind === 'join') {
    const current = toThread(live.find((t) => t.id === choice.threadId)!);
    // A later message may name what the first one left out ("it's bay 3"): the thread learns it.
    thread = toThread(
      await tx
        .updateTable('threads')
        .set({ last_activity_at: at, location: current.location ?? event.location, bay: current.bay ?? bay })
        .where('id', '=', choice.threadId)
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    if (choice.merge.length > 0) {
      await tx.updateTable('threads').set({ state: 'merged', merged_into: thread.id, resolved_at: at }).where('id', 'in', [...choice.merge]).execute();
      await tx.updateTable('thread_messages').set({ thread_id: thread.id }).where('thread_id', 'in', [...choice.merge]).execute();
      merged = choice.merge;
    }
  } else {
    thread = toThread(
      await tx
        .insertInto('threads')
        .values({ id: newId(), customer: event.sender, location: event.location, bay, state: 'open', automation_paused: false, merged_into: null, opened_at: at, last_activity_at: at, resolved_at: null })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }
  await tx
    .insertInto('thread_messages')
    .values({ thread_id: thread.id, direction: 'in', event_id: event.id, text: event.text, channel: event.channel === 'web' ? 'web' : 'sms', execution_id: null, operator_id: null, at })
    .execute();

  let escalated = false;
  if (facts.emergency) {
    // An emergency pauses the thread whatever state it was in, and a human takes it (escalated).
    const to: ThreadState = canTransition(thread.state, 'escalated') ? 'escalated' : thread.state;
    escalated = to === 'escalated' && thread.state !== 'escalated';
    thread = toThread(await tx.updateTable('threads').set({ state: to, automation_paused: true }).where('id', '=', thread.id).returningAll().executeTakeFirstOrThrow());
  }
  return { threadId: thread.id, created: choice.kind === 'new', state: thread.state, location: thread.location, automationPaused: thread.automationPaused, merged, escalated };
}

/** Threads and their messages; implements the ThreadDirectory and ThreadMessages ports. */
export function threadStore(db: Kysely<DB>): ThreadDirectory &
  ThreadMessages & {
    byId(id: string): Promise<ThreadRecord | null>;
    messages(threadId: string): Promise<ThreadMessageRecord[]>;
    eventIds(threadId: string): Promise<string[]>;
    list(q: ThreadQuery): Promise<ThreadRecord[]>;
    move(threadId: string, to: ThreadState, at: Date): Promise<ThreadMove>;
    timeOutInactive(now: Date): Promise<ThreadRecord[]>;
  } {
  const byId = async (id: string): Promise<ThreadRecord | null> => {
    const r = await db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toThread(r) : null;
  };

  // Conditional on the state read, so two operators (or an operator and the timeout sweep) never both win.
  const move = async (threadId: string, to: ThreadState, at: Date): Promise<ThreadMove> => {
    const current = await byId(threadId);
    if (current === null) return { kind: 'not_found' };
    if (!canTransition(current.state, to)) return { kind: 'not_allowed', state: current.state };
    const r = await db
      .updateTable('threads')
      .set({ state: to, last_activity_at: at, ...sideEffects(to, at) })
      .where('id', '=', threadId)
      .where('state', '=', current.state)
      .returningAll()
      .executeTakeFirst();
    if (!r) {
      const now = await byId(threadId);
      return { kind: 'not_allowed', state: now?.state ?? current.state };
    }
    return { kind: 'moved', thread: toThread(r), from: current.state };
  };

  return {
    byId,
    move,
    async ofEvent(eventId) {
      const r = await db
        .selectFrom('thread_messages')
        .innerJoin('threads', 'threads.id', 'thread_messages.thread_id')
        .selectAll('threads')
        .where('thread_messages.event_id', '=', eventId)
        .executeTakeFirst();
      return r ? summary(toThread(r)) : null;
    },
    async recordOutgoing(threadId, m) {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('thread_messages')
          .values({ thread_id: threadId, direction: 'out', event_id: null, text: m.text, channel: m.channel, execution_id: m.executionId, operator_id: m.operatorId, at: m.at })
          .execute();
        await tx.updateTable('threads').set({ last_activity_at: m.at }).where('id', '=', threadId).execute();
      });
    },
    async transition(threadId, to, at) {
      return (await move(threadId, to, at)).kind === 'moved';
    },
    async messages(threadId) {
      const rows = await db.selectFrom('thread_messages').selectAll().where('thread_id', '=', threadId).orderBy('at').orderBy('id').execute();
      return rows.map(toMessage);
    },
    async eventIds(threadId) {
      const rows = await db.selectFrom('thread_messages').select('event_id').where('thread_id', '=', threadId).where('event_id', 'is not', null).orderBy('at').orderBy('id').execute();
      return rows.map((r) => r.event_id!);
    },
    async list(q) {
      let query = db.selectFrom('threads').selectAll();
      if (q.state !== undefined) query = query.where('state', '=', q.state);
      if (q.location !== undefined) query = query.where((eb) => eb(eb.fn('lower', ['location']), '=', q.location!.toLowerCase()));
      if (q.locations !== null) {
        const allowed = q.locations.map((l) => l.toLowerCase());
        if (allowed.length === 0) return [];
        query = query.where((eb) => eb(eb.fn('lower', ['location']), 'in', allowed));
      }
      const rows = await query.orderBy('last_activity_at', 'desc').orderBy('id').limit(q.limit).execute();
      return rows.map(toThread);
    },
    /** Live threads quiet past the inactivity limit become `timeout` (escalated ones wait for a human). */
    async timeOutInactive(now) {
      const rows = await db
        .updateTable('threads')
        .set({ state: 'timeout', resolved_at: now })
        .where('state', 'in', ['open', 'awaiting_system', 'awaiting_operator'])
        .where('last_activity_at', '<=', timeoutCutoff(now))
        .returningAll()
        .execute();
      return rows.map(toThread);
    },
  };
}

export type ThreadStore = ReturnType<typeof threadStore>;
