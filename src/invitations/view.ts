import type { Catalog } from '../catalog/catalog.js';
import { roleOf } from '../members/view.js';
import type { InvitationRow, InvitationStatus } from './store.js';

export interface InvitationView {
  id: string;
  memberId: string;
  email: string;
  status: InvitationStatus;
  role: { id: string; name: string } | null;
  expiresAt: Date;
  invitedBy: { memberId: string | null; name: string };
  sendCount: number;
  lastSentAt: Date;
  createdAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export function invitationStatus(row: Pick<InvitationRow, 'status' | 'expires_at'>, now: Date): InvitationStatus {
  return row.status === 'pending' && row.expires_at.getTime() <= now.getTime() ? 'expired' : row.status;
}

export function invitationView(row: InvitationRow, catalog: Catalog, now: Date): InvitationView {
  return {
    id: row.id,
    memberId: row.member_id,
    email: row.email,
    status: invitationStatus(row, now),
    role: roleOf(catalog, row),
    expiresAt: row.expires_at,
    invitedBy: { memberId: row.invited_by_member_id, name: row.invited_by_name },
    sendCount: row.send_count,
    lastSentAt: row.last_sent_at,
    createdAt: row.created_at,
    acceptedAt: row.accepted_at,
    revokedAt: row.revoked_at,
  };
}
