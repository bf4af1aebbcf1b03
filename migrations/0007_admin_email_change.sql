-- An email change an account admin started for a member (Juspay "Update Email"; PRODUCT
-- rule 5: only through a verified flow). The link still goes to the new address and the
-- change applies only when it is followed; these columns say who asked, so that the
-- confirmation also ends the person's sessions and the account's log names the admin.
alter table email_change_tokens
  add column requested_by_account_id text,
  add column requested_by_member_id text;
