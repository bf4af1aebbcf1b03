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
  hash bytea not null,
  -- The head's hash before its last move: one UPDATE moves the head and hands the insert both
  -- the new event's link and its hash (SET reads the old row), with no SELECT ... FOR UPDATE.
  previous_hash bytea
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

-- One append: move the chain's head (its row lock serialises appends to that chain until the
-- caller's transaction, or this call alone, commits) and insert the event linked to it.
-- PL/pgSQL keeps both statements' plans for the session, which makes a standalone append
-- markedly cheaper than sending the equivalent statement each time. Returns null when the
-- chain has no head yet.
create function security_append_event(
  p_chain text, p_digest bytea, p_id text, p_account_id text, p_at timestamptz, p_actor_type text, p_actor_id text,
  p_actor_name text, p_action text, p_outcome text, p_error_code text, p_target_type text, p_target_id text,
  p_target_name text, p_before jsonb, p_after jsonb, p_ip text, p_user_agent text, p_request_id text, p_count integer
) returns bigint language plpgsql as $$
declare
  head record;
begin
  update security_chain_heads set seq = seq + 1, previous_hash = hash, hash = sha256(hash || p_digest)
   where chain = p_chain
  returning seq, previous_hash, hash into head;
  if not found then
    return null;
  end if;
  insert into security_events (chain, seq, id, account_id, at, actor_type, actor_id, actor_name, action, outcome,
    error_code, target_type, target_id, target_name, before, after, ip, user_agent, request_id, count, prev_hash, hash)
  values (p_chain, head.seq, p_id, p_account_id, p_at, p_actor_type, p_actor_id, p_actor_name, p_action, p_outcome,
    p_error_code, p_target_type, p_target_id, p_target_name, p_before, p_after, p_ip, p_user_agent, p_request_id, p_count,
    head.previous_hash, head.hash);
  return head.seq;
end;
$$;

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
