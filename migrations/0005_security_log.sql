-- The security log: append-only, one hash chain per account; an event outside any account
-- (a person's sign-in, say) joins that person's own chain ('user:<id>').
-- hash = SHA-256(prev_hash || canonical encoding of the event), computed by the application;
-- security_chain_heads serialises appends per chain only.
create table security_events (
  chain text not null,
  seq bigint not null,
  id text not null unique,
  account_id text,
  at timestamptz not null,
  actor_type text not null check (actor_type in ('member', 'user', 'api_key', 'platform', 'system', 'anonymous')),
  actor_id text,
  actor_name text,
  action text not null,
  outcome text not null check (outcome in ('success', 'failure', 'refused')),
  error_code text,
  target_type text,
  target_id text,
  target_name text,
  before jsonb,
  after jsonb,
  ip text,
  user_agent text,
  request_id text,
  count integer not null default 1,
  prev_hash bytea not null,
  hash bytea not null,
  primary key (chain, seq)
);
-- Reading is newest first with keyset pagination on (at, seq), optionally by one filter.
create index security_events_chain_at_idx on security_events (chain, at desc, seq desc);
create index security_events_chain_actor_idx on security_events (chain, actor_id, at desc, seq desc);
create index security_events_chain_action_idx on security_events (chain, action, at desc, seq desc);
create index security_events_chain_target_idx on security_events (chain, target_id, at desc, seq desc);
-- A person's own activity across accounts.
create index security_events_actor_idx on security_events (actor_id, at desc);
create index security_events_target_idx on security_events (target_id, at desc);

create table security_chain_heads (
  chain text primary key,
  seq bigint not null,
  hash bytea not null
);

-- Retention removes a chain's oldest events; the checkpoint keeps the removed part's head
-- so that verification can start from it.
create table security_chain_checkpoints (
  chain text primary key,
  seq bigint not null,
  hash bytea not null,
  removed_before timestamptz not null,
  created_at timestamptz not null default now()
);

create function security_events_append_only() returns trigger language plpgsql as $$
begin
  -- Retention is the one sanctioned deletion; it identifies itself for this transaction.
  if tg_op = 'DELETE' and current_setting('gatehouse.retention', true) = 'on' then
    return old;
  end if;
  raise exception 'security_events is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end;
$$;

create trigger security_events_no_update before update on security_events
  for each row execute function security_events_append_only();
create trigger security_events_no_delete before delete on security_events
  for each row execute function security_events_append_only();
create trigger security_events_no_truncate before truncate on security_events
  for each statement execute function security_events_append_only();

-- Where the operator runs the service as a separate, unprivileged role, that role cannot
-- rewrite history even without the trigger.
do $$
begin
  if exists (select from pg_roles where rolname = 'gatehouse_app') then
    revoke update, delete, truncate on security_events from gatehouse_app;
  end if;
end;
$$;
