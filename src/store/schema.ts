import type { ColumnType, Generated } from 'kysely';

/** Kysely table types. Each capability's migration adds its tables here, next to the module that owns them. */
export interface FeatureFlagsTable {
  name: string;
  enabled: boolean;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  updated_by: string;
}

export interface SetupTokensTable {
  id: Generated<number>;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}


export interface OperatorsTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  locations: string[] | null;
  created_at: Date;
  password_changed_at: Date;
  disabled_at: Date | null;
}

export interface OperatorSessionsTable {
  id: string;
  operator_id: string;
  csrf_hash: string;
  created_at: Date;
  last_seen_at: Date;
  idle_expires_at: Date;
  absolute_expires_at: Date;
  revoked_at: Date | null;
  ip: string;
  user_agent: string;
}

export interface ApiKeysTable {
  id: string;
  family_id: string;
  generation: number;
  name: string;
  owner_id: string | null;
  env: string;
  display_prefix: string;
  hash: string;
  pepper_version: number;
  scopes: string[];
  cidrs: string[];
  locations: string[] | null;
  rate_limit_points: number | null;
  rate_limit_window_ms: number | null;
  state: string;
  created_at: Date;
  expires_at: Date | null;
  rotate_at: Date | null;
  grace_ends_at: Date | null;
  successor_id: string | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
  suspended_at: Date | null;
  suspended_reason: string | null;
  risk_score: number;
  risk_at: Date | null;
  limit_multiplier: number;
  last_used_at: Date | null;
  last_used_ip: string | null;
  reminders_sent: number[];
}

export interface ApiKeyRotationTable {
  id: Generated<number>;
  family_id: string;
  from_key_id: string;
  to_key_id: string;
  reason: string;
  rotated_at: Date;
  grace_ends_at: Date;
  predecessor_revoked_at: Date | null;
}

export interface ApiKeyUsageTable {
  key_id: string;
  hour: Date;
  route: string;
  outcome: string;
  count: number;
}

export interface ApiKeyClientsTable {
  key_id: string;
  ip: string;
  prefix: string;
  first_seen_at: Date;
  last_seen_at: Date;
  requests: number;
}

export interface ApiKeyRiskEventsTable {
  id: Generated<number>;
  key_id: string;
  at: Date;
  signal: string;
  weight: number;
  score_after: number;
  level_after: string;
  action_taken: string;
  detail: unknown;
}

export interface NotificationsTable {
  id: Generated<number>;
  topic: string;
  severity: string;
  subject: string;
  body: unknown;
  recipient_id: string | null;
  created_at: Date;
}

export interface NotificationDeliveriesTable {
  notification_id: number;
  sink: string;
  state: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date;
  last_error: string | null;
  delivered_at: Date | null;
}

export interface NotificationAttemptsTable {
  id: Generated<number>;
  notification_id: number;
  sink: string;
  at: Date;
  ok: boolean;
  status: number | null;
  error: string | null;
}

export interface EventsTable {
  id: string;
  received_at: Date;
  occurred_at: Date;
  kind: string;
  channel: string;
  sender: string;
  location: string | null;
  bay: number | null;
  text: string;
  context: unknown;
  source_key_id: string | null;
  idempotency_key: string | null;
  request_hash: string;
  status: ColumnType<string, string | undefined, string>;
  decision: unknown;
  decided_at: Date | null;
}

export interface SecurityEventsTable {
  id: Generated<number>;
  at: Date;
  kind: string;
  severity: string;
  route: string | null;
  method: string | null;
  ip: string | null;
  principal: string | null;
  correlation_id: string | null;
  action: string;
  detail: unknown;
}

export interface PatternMatchesTable {
  event_id: string;
  seq: Generated<number>;
  location: string | null;
  pattern_key: string;
  decision: string | null;
  params: unknown;
  match_score: number;
  reliability: number;
  confidence: number;
  risk_class: string;
  tier: string;
  band: string;
  emergency: boolean;
  shadow: boolean;
  explanation: unknown;
  created_at: Date;
  resolved_at: Date | null;
}

export interface DecisionPatternsTable {
  key: string;
  decision: string;
  variant: string | null;
  state: string;
  hold: string;
  reliability: number;
  track: unknown;
  confidence_history: unknown;
  updated_at: Date;
}

export interface OperatorDecisionsTable {
  seq: Generated<number>;
  event_id: string;
  actor_type: string;
  actor_id: string;
  kind: string;
  outcome: string;
  proposed_decision: string | null;
  decision: string;
  params: unknown;
  reason: string | null;
  confidence_at: number | null;
  created_at: Date;
}

export interface ShadowLedgerTable {
  event_id: string;
  location: string | null;
  decision: string | null;
  tier: string;
  would_execute: boolean;
  auto_execution: boolean;
  operator_decision: string | null;
  agreed: boolean | null;
  created_at: Date;
  resolved_at: Date | null;
}

// Venue records (0008_venue): locations, bookings, threads, templates, tickets, webhook receipts.
export interface LocationsTable {
  name: string;
  code: string | null;
  aliases: ColumnType<string[], string[] | undefined, string[]>;
  bay_count: ColumnType<number, number | undefined, number>;
  timezone: ColumnType<string, string | undefined, string>;
  openphone_number: string | null;
  booking_url: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface BaysTable {
  location: string;
  number: number;
  label: string | null;
}

export interface DevicesTable {
  id: string;
  location: string;
  bay: number | null;
  kind: string;
  integration: string;
  vendor_ref: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface BookingsTable {
  id: string;
  location: string;
  bay: number | null;
  customer: string | null;
  starts_at: Date;
  ends_at: Date;
  status: string;
  source: string;
  created_at: Date;
  updated_at: Date;
}

export interface ThreadsTable {
  id: string;
  customer: string;
  location: string | null;
  bay: number | null;
  state: string;
  automation_paused: ColumnType<boolean, boolean | undefined, boolean>;
  merged_into: string | null;
  opened_at: Date;
  last_activity_at: Date;
  resolved_at: Date | null;
}

export interface ThreadMessagesTable {
  id: Generated<number>;
  thread_id: string;
  direction: string;
  event_id: string | null;
  text: string;
  channel: string;
  execution_id: string | null;
  operator_id: string | null;
  at: Date;
}

export interface ReplyTemplatesTable {
  id: Generated<number>;
  location: string | null;
  key: string;
  text: string;
  updated_by: string;
  updated_at: Date;
}

export interface TicketsTable {
  id: string;
  kind: string;
  priority: string;
  state: string;
  location: string | null;
  bay: number | null;
  title: string;
  body: ColumnType<string, string | undefined, string>;
  thread_id: string | null;
  event_id: string | null;
  idempotency_key: string;
  opened_by: string;
  sla_response_due: Date;
  sla_breached_at: Date | null;
  responded_at: Date | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
}

export interface WebhookReceiptsTable {
  provider: string;
  external_id: string;
  received_at: Date;
}

// Execution (0009): durable executions, shared circuit breakers, kill switches.
export interface ExecutionsTable {
  id: string;
  event_id: string;
  pattern_key: string;
  decision: string;
  params: unknown;
  location: string | null;
  idempotency_key: string;
  tier: string;
  origin: string;
  state: string;
  run_at: Date;
  attempts: ColumnType<number, number | undefined, number>;
  claimed_by: string | null;
  claimed_at: Date | null;
  lease_until: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: number | null;
  outcome_detail: string | null;
  outcome_reason: string | null;
  vendor_ref: string | null;
  integration_id: string | null;
  approved_by: string | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  learn_seq: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface CircuitBreakersTable {
  integration_id: string;
  status: string;
  failures: number;
  first_failure_at: Date | null;
  opened_at: Date | null;
  probe_started_at: Date | null;
  updated_at: Date;
}

export interface KillSwitchesTable {
  kind: string;
  name: string;
  set_by: string;
  reason: string | null;
  at: Date;
}

export interface DecisionThresholdsTable {
  id: number;
  high: number;
  medium: number;
  low: number;
  updated_by: string;
  updated_at: Date;
}

export interface EngineSnapshotsTable {
  id: Generated<number>;
  position: number;
  floor: number;
  applied: ColumnType<[string, number][], string, string>;
  codec_version: number;
  fingerprint: string;
  created_by: string;
  created_at: Date;
  payload: Uint8Array;
}

export interface EngineSnapshotClaimTable {
  id: number;
  claimed_by: string | null;
  claimed_until: Date | null;
}

export interface DB {
  // engine snapshots (0012)
  engine_snapshots: EngineSnapshotsTable;
  engine_snapshot_claim: EngineSnapshotClaimTable;
  // execution (0009)
  executions: ExecutionsTable;
  circuit_breakers: CircuitBreakersTable;
  kill_switches: KillSwitchesTable;
  // thresholds (0010)
  decision_thresholds: DecisionThresholdsTable;
  // venue (0008)
  locations: LocationsTable;
  bays: BaysTable;
  devices: DevicesTable;
  bookings: BookingsTable;
  threads: ThreadsTable;
  thread_messages: ThreadMessagesTable;
  reply_templates: ReplyTemplatesTable;
  tickets: TicketsTable;
  webhook_receipts: WebhookReceiptsTable;
  pattern_matches: PatternMatchesTable;
  decision_patterns: DecisionPatternsTable;
  operator_decisions: OperatorDecisionsTable;
  shadow_ledger: ShadowLedgerTable;
  security_events: SecurityEventsTable;
  events: EventsTable;
  feature_flags: FeatureFlagsTable;
  setup_tokens: SetupTokensTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
  api_keys: ApiKeysTable;
  api_key_rotation: ApiKeyRotationTable;
  api_key_usage: ApiKeyUsageTable;
  api_key_clients: ApiKeyClientsTable;
  api_key_risk_events: ApiKeyRiskEventsTable;
  notifications: NotificationsTable;
  notification_deliveries: NotificationDeliveriesTable;
  notification_attempts: NotificationAttemptsTable;
}
