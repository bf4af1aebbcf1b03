import { AppError } from './app-error.js';
import type { ErrorCode } from './errors.js';

/**
 * What each unique index means when a write runs into it. The checks before a write ("is
 * this address already a member?") cannot see a concurrent transaction's uncommitted row;
 * the index can, so the loser of a race lands here and answers the same 409 the check would
 * have given, never a 500. The whole transaction is rolled back, mail in its outbox included.
 */
const uniqueIndexes: Record<string, { code: ErrorCode; detail: string }> = {
  members_account_user_live_key: {
    code: 'member.already_member',
    detail: 'This person is already a member of the account, or has a pending invitation',
  },
  invitations_pending_member_key: {
    code: 'invitation.not_pending',
    detail: 'Another invitation for this member was issued at the same time',
  },
  ownership_transfers_pending_key: {
    code: 'transfer.pending',
    detail: 'Another ownership offer was made at the same time',
  },
  members_account_owner_key: { code: 'conflict', detail: 'The owner changed at the same time; retry' },
  roles_account_name_key: { code: 'role.name_taken', detail: 'A role with this name exists' },
  contacts_account_email_key: { code: 'contact.email_taken', detail: 'A contact with this email exists' },
  users_email_key: { code: 'conflict', detail: 'That address belongs to another user now' },
};

const uniqueViolation = '23505';
const constraintInMessage = /unique constraint "([^"]+)"/;

/**
 * The unique index a database error ran into, or undefined. node-postgres and PGlite both
 * raise a DatabaseError with the SQLSTATE in `code` and the index in `constraint`; the
 * message names it too, for a driver or wrapper that drops the field (Kysely keeps a cause).
 */
export function violatedUniqueIndex(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== 'object' || depth > 3) return undefined;
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown; cause?: unknown };
  if (e.code === uniqueViolation) {
    if (typeof e.constraint === 'string' && e.constraint !== '') return e.constraint;
    return typeof e.message === 'string' ? constraintInMessage.exec(e.message)?.[1] : undefined;
  }
  return violatedUniqueIndex(e.cause, depth + 1);
}

/**
 * The 409 a unique-index race stands for, or undefined for any other error (a bug stays a
 * bug).
 */
export function conflictOf(error: unknown): AppError | undefined {
  const index = violatedUniqueIndex(error);
  const meaning = index === undefined ? undefined : uniqueIndexes[index];
  return meaning && new AppError(meaning.code, meaning.detail);
}
