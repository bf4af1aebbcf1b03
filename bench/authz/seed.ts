import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import { accountId, type BenchPolicy } from './policy.js';

/** Writes the policy into a migrated database: one statement per table, rows passed as JSON. */
export async function seedPolicy(db: Db, policy: BenchPolicy): Promise<void> {
  const rows = (list: unknown[]) => JSON.stringify(list);
  await db.transaction().execute(async (trx) => {
    await sql`insert into accounts (id, name, require_two_factor) values (${accountId}, 'Bench', true)`.execute(trx);
    await sql`insert into profiles (account_id, id, name) select ${accountId}, x, x from jsonb_array_elements_text(${rows(policy.profiles)}::jsonb) as x`.execute(
      trx,
    );
    await sql`insert into roles (account_id, id, name, permissions)
              select ${accountId}, x->>'id', x->>'id', x->'grants' from jsonb_array_elements(${rows(policy.roles)}::jsonb) as x`.execute(
      trx,
    );
    await sql`insert into users (id, email, name, totp_enabled_at)
              select x->>'userId', (x->>'id') || '@bench.example', x->>'id', now() from jsonb_array_elements(${rows(policy.members)}::jsonb) as x`.execute(
      trx,
    );
    const members = policy.members.map((member) => ({
      id: member.id,
      userId: member.userId,
      status: member.active ? 'active' : 'inactive',
      roleId: member.role.id,
      profileIds: member.profileIds,
      scope: member.bankAccounts ? { bank_account: member.bankAccounts } : {},
    }));
    await sql`insert into members (account_id, id, user_id, status, role_id, profile_ids, resource_scope)
              select ${accountId}, x->>'id', x->>'userId', x->>'status', x->>'roleId',
                     case when x->'profileIds' = 'null'::jsonb then null else array(select jsonb_array_elements_text(x->'profileIds')) end,
                     x->'scope'
                from jsonb_array_elements(${rows(members)}::jsonb) as x`.execute(trx);
    await sql`insert into resources (account_id, type, external_id, name, profile_id, owner_member_id)
              select ${accountId}, x->>'type', x->>'id', x->>'id', x->>'profileId', x->>'ownerMemberId'
                from jsonb_array_elements(${rows(policy.resources)}::jsonb) as x`.execute(trx);
  });
}
