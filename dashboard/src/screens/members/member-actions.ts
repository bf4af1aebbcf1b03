import type { MemberRow } from './queries';

const memberActions = ['role', 'permissions', 'email', 'resetTwoFactor', 'deactivate', 'reactivate', 'remove'] as const;

/** What can be done to a member, each behind its own confirmation dialog on the member's page. */
export type MemberAction = (typeof memberActions)[number];

/**
 * The actions the signed-in member may take on `member`, in the order they are offered. One
 * rule for the details page and the list's row menu: never the owner or oneself, nothing on
 * a removed member, and a deactivated one can only be reactivated or removed (Wompi: inactive
 * users cannot be modified).
 */
export function availableActions(
  member: Pick<MemberRow, 'id' | 'isOwner' | 'status' | 'twoFactorEnabled'>,
  viewer: { memberId: string; can: (permission: string) => boolean },
): MemberAction[] {
  if (member.isOwner || member.id === viewer.memberId || member.status === 'removed') return [];
  const actions: MemberAction[] = [];
  if (viewer.can('users.edit') && member.status !== 'inactive') {
    actions.push('role', 'permissions', 'email');
    if (member.twoFactorEnabled) actions.push('resetTwoFactor');
  }
  if (viewer.can('users.deactivate') && member.status === 'active') actions.push('deactivate');
  if (viewer.can('users.deactivate') && member.status === 'inactive') actions.push('reactivate');
  if (viewer.can('users.delete')) actions.push('remove');
  return actions;
}

/** `?action=` on a member's page opens that action's dialog (the list's row menu links there). */
export function isMemberAction(value: string | null): value is MemberAction {
  return (memberActions as readonly (string | null)[]).includes(value);
}

/** The i18n key naming each action, on its button and in the row menu. */
export const actionLabel = {
  role: 'members.actions.changeRole',
  permissions: 'members.actions.editPermissions',
  email: 'members.actions.changeEmail',
  resetTwoFactor: 'members.actions.resetTwoFactor',
  deactivate: 'members.actions.deactivate',
  reactivate: 'members.actions.reactivate',
  remove: 'members.actions.remove',
} as const satisfies Record<MemberAction, string>;

/** Destructive actions are coloured as such wherever they are offered. */
export const actionColor: Partial<Record<MemberAction, string>> = { deactivate: 'orange', remove: 'red' };
