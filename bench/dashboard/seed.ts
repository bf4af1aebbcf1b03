import { sql } from 'kysely';
import { hashPassword } from '../../src/auth/password.js';
import { sealTotpSecret } from '../../src/auth/totp-seed.js';
import { newTotpSecret } from '../../src/auth/totp.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export const accountId = 'acc_bench';

export interface Owner {
  email: string;
  password: string;
  totpSecret: string;
}

/**
 * One merchant account with `members` members (its owner included), seeded with a few
 * statements as bench/members.ts does: the owner as the service would create them (argon2id
 * password, sealed TOTP seed), then everyone else by generate_series.
 */
export async function seedAccount(
  target: { dataDir: string } | { databaseUrl: string },
  secretKey: Buffer,
  members: number,
): Promise<Owner> {
  const database: Database = await openDatabase(target);
  try {
    await migrateToLatest(database.db);
    const db = database.db;
    const owner = { email: 'owner@bench.example', password: 'a long pass phrase for the bench', totpSecret: '' };
    owner.totpSecret = newTotpSecret();
    const userId = 'usr_bench_owner';
    await sql`insert into accounts (id, name) values (${accountId}, 'Bench Payments')`.execute(db);
    await sql`insert into profiles (account_id, id, name)
              select ${accountId}, 'prf_' || g, 'Store ' || g from generate_series(0, 9) g`.execute(db);
    await sql`insert into users (id, email, name, password_hash, totp_secret_encrypted, totp_enabled_at)
              values (${userId}, ${owner.email}, 'Olivia Owner', ${await hashPassword(owner.password)},
                      ${sealTotpSecret(secretKey, userId, owner.totpSecret)}, now())`.execute(db);
    await sql`insert into members (account_id, id, user_id, status, is_owner, builtin_role, activated_at)
              values (${accountId}, 'mem_bench_owner', ${userId}, 'active', true, 'owner', now())`.execute(db);
    const first = `array['Ada','Grace','Alan','Edsger','Barbara','Donald','Ken','Dennis','Margaret','Linus','Guido','Bjarne','Frances','Radia','Shafi','Leslie','Tony','Niklaus','John','Hedy']`;
    const last = `array['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Thompson','Ritchie','Hamilton','Torvalds','Rossum','Stroustrup','Allen','Perlman','Goldwasser','Lamport','Hoare','Wirth','McCarthy','Lamarr']`;
    const others = members - 1;
    await sql`insert into users (id, email, name, totp_enabled_at, last_sign_in_at)
      select 'usr_' || g, 'user' || g || '@example' || (g % 97) || '.com',
             (${sql.raw(first)})[1 + g % 20] || ' ' || (${sql.raw(last)})[1 + (g / 20) % 20] || ' ' || g,
             case when g % 5 = 0 then null else now() end, now() - (g % 1000) * interval '1 hour'
        from generate_series(1, ${others}) g`.execute(db);
    // Copying name and email in bulk is faster than the per-row trigger.
    await sql`alter table members disable trigger members_copy_user_identity`.execute(db);
    await sql`insert into members (account_id, id, user_id, name, email, status, builtin_role, profile_ids, created_at)
      select ${accountId}, 'mem_' || g, 'usr_' || g, u.name, u.email,
             (array['active','active','active','active','active','active','inactive','invited'])[1 + g % 8],
             (array['administrator','developer','finance','support','restricted','view_only'])[1 + g % 6],
             case when g % 3 = 0 then array['prf_' || (g % 10)] else null end,
             now() - g * interval '1 minute'
        from generate_series(1, ${others}) g join users u on u.id = 'usr_' || g`.execute(db);
    await sql`alter table members enable trigger members_copy_user_identity`.execute(db);
    await sql`analyze`.execute(db);
    return owner;
  } finally {
    await database.close();
  }
}
