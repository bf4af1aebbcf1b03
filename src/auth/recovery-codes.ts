import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { passwordHashOptions, verifyPassword } from './password.js';

export const recoveryCodeCount = 10;
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32: no i, l, o, u to misread
const codeLength = 16; // 80 bits (ASVS 5.0 V6.5.4 asks for at least 20)
const locatorLength = 4;

function newCode(): string {
  // 256 is a multiple of 32, so taking the low five bits of each byte is uniform.
  return [...randomBytes(codeLength)].map((byte) => alphabet[byte & 31]).join('');
}

/** `abcd-efgh-jkmn-pqrs`: what the person sees and types. */
function formatCode(code: string): string {
  return code.match(/.{4}/g)!.join('-');
}

/** Accepts what a person types: any case, spaces or dashes, and the letters Crockford maps to digits. */
function canonicalCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  return code.length === codeLength && [...code].every((c) => alphabet.includes(c)) ? code : null;
}

/** Fresh codes: `codes` to show once, `hashes` to store with {@link storeRecoveryCodes}. */
export interface NewRecoveryCodes {
  codes: string[];
  hashes: { locator: string; codeHash: string }[];
}

/**
 * Draws ten new recovery codes and hashes them (before any transaction: hashing takes a
 * while). Each is stored as argon2id: at 80 bits they are below the 112 bits that would allow
 * a plain hash (ASVS 5.0 V6.5.2, NIST SP 800-63B §5.1.2.2). The first four characters are kept
 * in clear as a locator, so checking a code costs one hash.
 */
export async function newRecoveryCodes(): Promise<NewRecoveryCodes> {
  const codes = new Map<string, string>();
  while (codes.size < recoveryCodeCount) {
    const code = newCode();
    codes.set(code.slice(0, locatorLength), code); // a repeated locator is simply drawn again
  }
  const hashes = await Promise.all(
    [...codes].map(async ([locator, code]) => ({ locator, codeHash: await hash(code, passwordHashOptions) })),
  );
  return { codes: [...codes.values()].map(formatCode), hashes };
}

/** Replaces the user's recovery codes with these; the old ones stop working. */
export async function storeRecoveryCodes(db: Db, userId: string, fresh: NewRecoveryCodes, now: Date): Promise<void> {
  await deleteRecoveryCodes(db, userId);
  for (const row of fresh.hashes) {
    await sql`insert into recovery_codes (user_id, locator, code_hash, created_at)
              values (${userId}, ${row.locator}, ${row.codeHash}, ${now})`.execute(db);
  }
}

/**
 * Uses up one of the user's recovery codes: true exactly once per code, even for parallel
 * requests (the conditional update decides; ASVS 5.0 V6.5.1). Unknown locators still cost
 * one hash verification so that timing does not reveal them.
 */
export async function consumeRecoveryCode(db: Db, userId: string, input: string, now: Date): Promise<boolean> {
  const code = canonicalCode(input);
  const { rows } = code
    ? await sql<{ code_hash: string }>`
        select code_hash from recovery_codes
         where user_id = ${userId} and locator = ${code.slice(0, locatorLength)} and used_at is null`.execute(db)
    : { rows: [] };
  const row = rows[0];
  if (!row || !code) {
    await verifyPassword(null, input);
    return false;
  }
  if (!(await verify(row.code_hash, code).catch(() => false))) return false;
  const used = await sql`
    update recovery_codes set used_at = ${now}
     where user_id = ${userId} and locator = ${code.slice(0, locatorLength)} and used_at is null`.execute(db);
  return Number(used.numAffectedRows ?? 0) === 1;
}

export async function deleteRecoveryCodes(db: Db, userId: string): Promise<void> {
  await sql`delete from recovery_codes where user_id = ${userId}`.execute(db);
}
