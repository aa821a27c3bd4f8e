-- Venue records (issue 5): locations, bays, devices, bookings, customer threads and their messages,
-- approved reply templates, tickets with SLA timers, and replay protection for signed webhooks.

create table locations (
  name text primary key,
  code text,
  aliases text[] not null default '{}',
  bay_count integer not null default 0 check (bay_count between 0 and 999),
  timezone text not null default 'UTC',
  -- The location's OpenPhone number (E.164): inbound SMS to it belong to this location.
  openphone_number text unique,
  -- Where customers book this location ({{booking_link}} in templates); null = the configured default.
  booking_url text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index locations_code on locations (lower(code)) where code is not null;
create unique index locations_lower_name on locations (lower(name));

create table bays (
  location text not null references locations (name) on update cascade on delete cascade,
  number integer not null check (number between 0 and 999),
  label text,
  primary key (location, number)
);

create table devices (
  id text primary key,
  location text not null references locations (name) on update cascade on delete cascade,
  bay integer,
  kind text not null check (kind in ('trackman', 'bay_pc', 'projector', 'tv', 'door')),
  integration text not null,
  vendor_ref text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index devices_location on devices (location, bay);

create table bookings (
  id text primary key,
  location text not null,
  bay integer,
  customer text,
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  status text not null check (status in ('confirmed', 'cancelled')),
  source text not null check (source in ('api', 'import')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index bookings_customer on bookings (customer, starts_at) where status = 'confirmed';
create index bookings_bay on bookings (lower(location), bay, starts_at) where status = 'confirmed';

create table threads (
  id uuid primary key,
  customer text not null,
  location text,
  bay integer,
  state text not null check (state in ('open', 'awaiting_system', 'awaiting_operator', 'resolved', 'escalated', 'merged', 'timeout')),
  automation_paused boolean not null default false,
  merged_into uuid references threads (id),
  opened_at timestamptz not null,
  last_activity_at timestamptz not null,
  resolved_at timestamptz
);
create index threads_customer on threads (customer, last_activity_at);
create index threads_state on threads (state, last_activity_at);

create table thread_messages (
  id bigserial primary key,
  thread_id uuid not null references threads (id) on delete cascade,
  direction text not null check (direction in ('in', 'out')),
  event_id uuid unique references events (id) on delete cascade,
  text text not null,
  channel text not null check (channel in ('sms', 'web')),
  execution_id text,
  operator_id uuid,
  at timestamptz not null
);
create index thread_messages_thread on thread_messages (thread_id, at);

create table reply_templates (
  id bigserial primary key,
  location text,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,63}$'),
  text text not null,
  updated_by text not null,
  updated_at timestamptz not null
);
-- One venue-wide default per key, one override per key and location.
create unique index reply_templates_key on reply_templates (coalesce(lower(location), ''), key);

create table tickets (
  id uuid primary key,
  kind text not null check (kind in ('tech', 'facilities', 'lost_and_found')),
  priority text not null check (priority in ('critical', 'high', 'medium', 'low')),
  state text not null check (state in ('open', 'in_progress', 'resolved')),
  location text,
  bay integer,
  title text not null,
  body text not null default '',
  thread_id uuid references threads (id),
  event_id uuid references events (id),
  idempotency_key text not null unique,
  opened_by text not null,
  sla_response_due timestamptz not null,
  sla_breached_at timestamptz,
  responded_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  resolved_at timestamptz
);
create index tickets_sla on tickets (sla_response_due) where state = 'open' and sla_breached_at is null;
create index tickets_state on tickets (state, created_at);

create table webhook_receipts (
  provider text not null,
  external_id text not null,
  received_at timestamptz not null,
  primary key (provider, external_id)
);
create index webhook_receipts_received on webhook_receipts (received_at);

-- Venue-wide defaults for every templated reply; admins edit them (PUT /v1/templates/:key), per location too.
insert into reply_templates (location, key, text, updated_by, updated_at) values
  (null, 'reply_faq_hours', 'We are open 24/7 for booked sessions at {{location}}; the door code works from 15 minutes before your start time.', 'system', '2026-01-01T00:00:00Z'),
  (null, 'reply_faq_guests', 'Up to 6 players can share a bay. Guests are welcome as long as the booking holder is present.', 'system', '2026-01-01T00:00:00Z'),
  (null, 'reply_faq_food', 'Outside snacks and non-alcoholic drinks are fine; please keep food away from the hitting area.', 'system', '2026-01-01T00:00:00Z'),
  (null, 'reply_faq_clubs', 'Each bay has a shared set of clubs (right- and left-handed). You are welcome to bring your own.', 'system', '2026-01-01T00:00:00Z'),
  (null, 'reply_faq_giftcards', 'Gift cards are sold on our booking site and can be redeemed at checkout.', 'system', '2026-01-01T00:00:00Z'),
  (null, 'reply_faq_trackman_account', 'Sign in to your TrackMan account on the bay screen to save your stats; you can create one for free in the TrackMan Golf app.', 'system', '2026-01-01T00:00:00Z'),
  (null, 'reply_faq_pricing', 'Current rates for {{location}} are shown when you book a bay online.', 'system', '2026-01-01T00:00:00Z'),
  (null, 'reply_faq_directions', 'Directions and parking for {{location}} are in your booking confirmation email.', 'system', '2026-01-01T00:00:00Z'),
  (null, 'send_booking_link', 'You can book a bay at {{location}} here: {{booking_link}}. The door code works from 15 minutes before your start time.', 'system', '2026-01-01T00:00:00Z'),
  (null, 'clarify_bay', 'Sorry about that! Which bay number are you in? It is shown above the screen.', 'system', '2026-01-01T00:00:00Z'),
  (null, 'reply_early_arrival', 'You are a little early: the door opens 15 minutes before your booking starts. See you soon!', 'system', '2026-01-01T00:00:00Z'),
  (null, 'unlock_done', 'The door is unlocked now. Enjoy your session!', 'system', '2026-01-01T00:00:00Z'),
  (null, 'emergency_safety', 'If anyone is in danger call 911 now. We have alerted our team and a person is on it right away.', 'system', '2026-01-01T00:00:00Z');
