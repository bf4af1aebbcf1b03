-- The transactional outbox: a mail row is written in the same transaction as the change that
-- sends it, and a worker delivers it. Bodies carry single-use links, so they are stored
-- encrypted (AES-256-GCM under the secret key) and erased once delivered over SMTP.
create table mail_outbox (
  id text primary key,
  account_id text,
  to_address text not null check (char_length(to_address) between 3 and 320),
  template text not null,
  subject text not null,
  text_body_encrypted text,
  html_body_encrypted text,
  status text not null default 'pending' check (status in ('pending', 'sending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  -- when a 'sending' claim lapses (the instance holding it died), the mail is due again
  lease_until timestamptz,
  last_error text,
  transport text check (transport in ('smtp', 'dev-mailbox')),
  created_at timestamptz not null,
  delivered_at timestamptz
);
create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where status in ('pending', 'sending');
create index mail_outbox_recent_idx on mail_outbox (created_at desc);
