-- Invitations activate an 'invited' member row, which already holds the offered role,
-- scopes and flags: one source of truth for what the person will get.
create table invitations (
  account_id text not null references accounts (id) on delete cascade,
  id text not null,
  member_id text not null,
  email text not null,
  -- SHA-256 of the 256-bit token; the token itself is only ever in the email
  token_hash bytea not null unique,
  status text not null check (status in ('pending', 'accepted', 'revoked')),
  expires_at timestamptz not null,
  invited_by_member_id text,
  invited_by_name text not null default '',
  send_count integer not null default 1,
  last_sent_at timestamptz not null default now(),
  accepted_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (account_id, id),
  unique (id),
  foreign key (account_id, member_id) references members (account_id, id)
);
create unique index invitations_pending_member_key on invitations (member_id) where status = 'pending';
create index invitations_account_status_idx on invitations (account_id, status, created_at desc);

-- People who receive account emails (billing, security notices) but cannot sign in.
create table contacts (
  account_id text not null references accounts (id) on delete cascade,
  id text not null,
  email text not null check (char_length(email) between 3 and 320),
  name text not null default '' check (char_length(name) <= 200),
  topics text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (account_id, id),
  unique (id)
);
create unique index contacts_account_email_key on contacts (account_id, email);

-- Ownership moves only when the new owner accepts what the old owner offered.
create table ownership_transfers (
  account_id text not null references accounts (id) on delete cascade,
  id text not null,
  from_member_id text not null,
  to_member_id text not null,
  status text not null check (status in ('pending', 'accepted', 'cancelled')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  primary key (account_id, id),
  unique (id)
);
create unique index ownership_transfers_pending_key on ownership_transfers (account_id) where status = 'pending';
