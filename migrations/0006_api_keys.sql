-- Per-member API keys: only a SHA-256 of the key is stored (the key has 256 random bits),
-- plus a short prefix so people can tell their keys apart.
create table api_keys (
  account_id text not null references accounts (id) on delete cascade,
  id text not null,
  member_id text not null,
  name text not null check (char_length(name) between 1 and 100),
  prefix text not null,
  key_hash bytea not null unique,
  -- null: all of the member's permissions; otherwise a subset [{permission, scope}]
  permissions jsonb,
  expires_at timestamptz,
  last_used_at timestamptz,
  created_by_member_id text,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_by text,
  primary key (account_id, id),
  unique (id),
  foreign key (account_id, member_id) references members (account_id, id)
);
create index api_keys_member_idx on api_keys (account_id, member_id, created_at desc);
