-- Sign-in and identity: sessions, recovery codes, the brute-force counters and the
-- single-use tokens of password reset and email change. Every secret is stored only as a
-- hash (tokens: SHA-256 of 256 random bits; recovery codes: argon2id).

-- One browser session. The cookie holds a 256-bit token; only its SHA-256 is stored, and it
-- is replaced (same id, new token) at every privilege change: sign-in completion, step-up.
create table sessions (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  token_hash bytea not null unique,
  -- 'second_factor' / 'enrol_totp': the password was right, but the session is good for
  -- nothing except that next step; 'active': fully signed in
  stage text not null check (stage in ('second_factor', 'enrol_totp', 'active')),
  -- when this session last verified a second factor (sign-in or step-up)
  second_factor_at timestamptz,
  ip text,
  user_agent text check (char_length(user_agent) <= 512),
  created_at timestamptz not null,
  last_seen_at timestamptz not null
);
create index sessions_user_idx on sessions (user_id);

-- Ten single-use codes per user. A code is 16 characters; the first four are kept in clear
-- as a locator so that one guess costs one argon2id verification, the whole code is hashed.
create table recovery_codes (
  user_id text not null references users (id) on delete cascade,
  locator text not null,
  code_hash text not null,
  used_at timestamptz,
  created_at timestamptz not null,
  primary key (user_id, locator)
);

-- Failed-credential counters, one row per key ('email:<normalised address>' or 'ip:<address>'),
-- shared by every endpoint that checks a password, a TOTP code or a recovery code. An attempt
-- is reserved (counted) before the credential is verified; a full sign-in clears the email
-- key; an hour without attempts starts the count afresh.
create table auth_throttle (
  key text primary key,
  failures integer not null,
  last_attempt_at timestamptz not null,
  -- the attempt before the last, so that a right password (refunded) leaves no trace
  previous_attempt_at timestamptz
);

create table password_reset_tokens (
  token_hash bytea primary key,
  user_id text not null references users (id) on delete cascade,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null
);
create index password_reset_tokens_user_idx on password_reset_tokens (user_id);

create table email_change_tokens (
  token_hash bytea primary key,
  user_id text not null references users (id) on delete cascade,
  -- normalised like users.email
  new_email text not null check (char_length(new_email) between 3 and 320),
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null
);
create index email_change_tokens_user_idx on email_change_tokens (user_id);
