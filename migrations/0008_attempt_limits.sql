-- Limits on guessing that the brute-force counters of 0002 did not cover (issue 14.7, 14.9).

-- Wrong second factors tried on one pending sign-in. Each try takes a slot with a conditional
-- update (failures < 5) before the code is verified, so a parallel burst cannot exceed the
-- cap; at the cap the pending session is deleted and the person starts again with the password.
alter table sessions add column second_factor_failures integer not null default 0;

-- Failed single-use-link tokens (invitation, password reset, email change) per client IP:
-- one row per key ('ip:<address>'), a fixed window that starts at its first failure. Counted
-- before the token is looked up, given back when the token was real, shared by every instance.
create table token_attempts (
  key text primary key,
  failures integer not null,
  window_started_at timestamptz not null
);
