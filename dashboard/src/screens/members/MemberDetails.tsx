import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconCrown, IconLock, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, data } from '../../api/client';
import { useAccount } from '../../app/account-context';
import { fieldError } from '../../components/ProblemAlert';
import { ErrorState, LoadingState } from '../../components/States';
import { formatDateTime } from '../../i18n/format';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { usePermissions } from '../../api/session';
import { type Catalog, type Grant, permissionLabel, useCatalog } from '../../permissions/catalog';
import { PermissionPicker } from '../../permissions/PermissionPicker';
import { type Member, statusColor, useProfiles, useResources, useRoles } from './queries';
import { actionColor, actionLabel, availableActions, isMemberAction } from './member-actions';

type Dialog =
  | { kind: 'role' }
  | { kind: 'permissions' }
  | { kind: 'deactivate' | 'reactivate' | 'remove' | 'resetTwoFactor' }
  | { kind: 'email' }
  | { kind: 'identity'; identity: Record<string, string> }
  | { kind: 'name'; name: string }
  | { kind: 'profiles'; profileIds: string[] | null }
  | { kind: 'flag'; key: string; name: string; value: boolean }
  | { kind: 'assign' | 'unassign'; type: string; externalId: string; label: string }
  | { kind: 'limit'; type: string; typeName: string; externalId: string; label: string }
  | { kind: 'allowAll'; type: string; typeName: string };

/** One member: who they are, what they may do and where, and every action on them behind a confirmation. */
export function MemberDetails() {
  const { t, i18n } = useTranslation();
  const { membership } = useAccount();
  const accountId = membership.accountId;
  const { memberId = '' } = useParams();
  const path = { accountId, memberId };
  const member = useQuery({
    queryKey: ['accounts', accountId, 'members', 'one', memberId],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/members/{memberId}', { params: { path } })),
  });
  const catalog = useCatalog();

  const back = (
    <Anchor component={Link} to={`/accounts/${accountId}/members`} size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} aria-hidden />
        {t('members.backToList')}
      </Group>
    </Anchor>
  );
  if (member.isPending || catalog.isPending)
    return (
      <Stack>
        {back}
        <LoadingState />
      </Stack>
    );
  if (member.isError || catalog.isError)
    return (
      <Stack>
        {back}
        <ErrorState
          error={member.error ?? catalog.error}
          onRetry={() => void Promise.all([member.refetch(), catalog.refetch()])}
        />
      </Stack>
    );
  return <MemberView member={member.data} catalog={catalog.data} back={back} language={i18n.language} />;
}

function MemberView({
  member,
  catalog,
  back,
  language,
}: {
  member: Member;
  catalog: Catalog;
  back: ReactNode;
  language: string;
}) {
  const { t } = useTranslation();
  const { membership, can } = useAccount();
  const accountId = membership.accountId;
  const path = { accountId, memberId: member.id };
  const queryClient = useQueryClient();
  const roles = useRoles(accountId);
  const profiles = useProfiles(accountId);
  const resources = useResources(accountId);

  const actions = availableActions(member, { memberId: membership.memberId, can });
  // Identity, profiles and flags are edited under the same rule as the role: not a deactivated member.
  const editable = actions.includes('role');
  const status = member.status;
  // The list's row menu links here with ?action=: that dialog opens at once, if still allowed.
  const [params, setParams] = useSearchParams();
  const [dialog, setDialog] = useState<Dialog | null>(() => {
    const requested = params.get('action');
    return isMemberAction(requested) && actions.includes(requested) ? { kind: requested } : null;
  });
  useEffect(() => {
    if (!params.has('action')) return;
    const next = new URLSearchParams(params);
    next.delete('action');
    setParams(next, { replace: true });
  }, [params, setParams]);

  // `notice` says what happened when "Saved" would mislead (an email change waits for the link).
  const action = useMutation({
    mutationFn: ({ run }: { run: () => Promise<unknown>; notice?: string }) => run(),
    onSuccess: async (_result, { notice }) => {
      notifications.show({ color: 'green', message: notice ?? t('members.saved') });
      setDialog(null);
      await queryClient.invalidateQueries({ queryKey: ['accounts', accountId, 'members'] });
    },
  });
  const open = (next: Dialog) => {
    action.reset();
    setDialog(next);
  };
  const close = () => setDialog(null);

  const grants: Grant[] =
    member.permissions ?? roles.data?.items.find((role) => role.id === member.role?.id)?.permissions ?? [];
  const profileName = (id: string) => profiles.data?.items.find((profile) => profile.id === id)?.name ?? id;
  const resourceName = (type: string, id: string) =>
    resources.data?.items.find((resource) => resource.type === type && resource.id === id)?.name ?? id;

  const patch = (body: Record<string, unknown>) => () =>
    data(
      api.PATCH('/v1/accounts/{accountId}/members/{memberId}', { params: { path }, body: { ...body, confirm: true } }),
    );
  const post = (which: 'deactivate' | 'reactivate' | 'remove') => () => {
    const url = `/v1/accounts/{accountId}/members/{memberId}/${which}` as const;
    return data(api.POST(url, { params: { path }, body: { confirm: true } }));
  };

  // The member loaded, but the names of roles, profiles or resources did not: say so, rather than show bare ids.
  const namesError = roles.error ?? profiles.error ?? resources.error;

  return (
    <Stack gap="lg">
      {back}
      {namesError ? (
        <ErrorState
          error={namesError}
          onRetry={() => void Promise.all([roles.refetch(), profiles.refetch(), resources.refetch()])}
        />
      ) : null}
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={1}>{member.name || member.email}</Title>
            <Badge variant="light" color={statusColor[status]} size="lg" data-testid="member-status">
              {t(`members.status.${status}`)}
            </Badge>
            {member.isOwner ? (
              <Badge
                variant="filled"
                color="yellow"
                autoContrast
                size="lg"
                leftSection={<IconCrown size={12} aria-hidden />}
              >
                {t('members.owner')}
              </Badge>
            ) : null}
          </Group>
          <Text c="dimmed">{member.email}</Text>
          <Text size="sm" c="dimmed">
            {member.lastSignInAt
              ? t('members.lastSignInAt', { when: formatDateTime(member.lastSignInAt, language) })
              : t('members.neverSignedIn')}
            {' · '}
            {member.twoFactorEnabled ? t('members.twoFactorOn') : t('members.twoFactorOff')}
          </Text>
        </div>
        <Group gap="xs" data-testid="member-actions">
          {actions.map((kind) => (
            <Button
              key={kind}
              variant={actionColor[kind] || kind === 'reactivate' ? 'light' : 'default'}
              color={actionColor[kind]}
              onClick={() => open({ kind })}
            >
              {t(actionLabel[kind])}
            </Button>
          ))}
        </Group>
      </Group>

      {status === 'inactive' ? (
        <Alert color="gray" variant="light" icon={<IconLock size={16} aria-hidden />}>
          {t('members.inactiveNote')}
        </Alert>
      ) : null}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <IdentityCard
          member={member}
          editable={editable}
          onSave={(identity) => open({ kind: 'identity', identity })}
          onRename={(name) => open({ kind: 'name', name })}
        />

        <Card withBorder padding="lg">
          <Title order={2} size="h4" mb="xs">
            {t('members.access.title')}
          </Title>
          <Text size="sm" mb="xs">
            {member.isOwner
              ? t('members.access.owner')
              : member.role
                ? t('members.access.role', { role: member.role.name })
                : t('members.access.individual')}
          </Text>
          {!member.isOwner ? <GrantsByModule catalog={catalog} grants={grants} /> : null}
        </Card>

        {/* Only in accounts with profiles: elsewhere there is nothing to choose from. */}
        {(profiles.data?.items.length ?? 0) > 0 || member.profileIds !== null ? (
          <ProfilesCard
            current={member.profileIds}
            options={(profiles.data?.items ?? [])
              .filter((profile) => !profile.archived)
              .map((profile) => ({ value: profile.id, label: profile.name }))}
            editable={editable}
            profileName={profileName}
            onSave={(profileIds) => open({ kind: 'profiles', profileIds })}
          />
        ) : null}

        <Card withBorder padding="lg">
          <Title order={2} size="h4" mb="xs">
            {t('members.flags.title')}
          </Title>
          <Stack gap="xs">
            {catalog.flags.map((flag) => (
              <Switch
                key={flag.key}
                label={flag.name}
                checked={member.flags[flag.key] ?? flag.default}
                disabled={!editable}
                onChange={(event) =>
                  open({ kind: 'flag', key: flag.key, name: flag.name, value: event.currentTarget.checked })
                }
              />
            ))}
          </Stack>
        </Card>
      </SimpleGrid>

      <Card withBorder padding="lg">
        <Title order={2} size="h4" mb={4}>
          {t('members.resources.title')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {status === 'active' ? t('members.resources.hint') : t('members.resources.activeOnly')}
        </Text>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          {catalog.resourceTypes.map((type) => {
            const assigned = member.resourceScope[type.key];
            const choices = (resources.data?.items ?? []).filter(
              (resource) => resource.type === type.key && !(assigned ?? []).includes(resource.id),
            );
            return (
              <ResourceTypeScope
                key={type.key}
                typeName={type.name}
                assigned={assigned?.map((id) => ({ id, label: resourceName(type.key, id) }))}
                choices={choices.map((resource) => ({ value: resource.id, label: resource.name }))}
                canChange={editable && status === 'active'}
                onAssign={(externalId) =>
                  open({ kind: 'assign', type: type.key, externalId, label: resourceName(type.key, externalId) })
                }
                onUnassign={(externalId) =>
                  open({ kind: 'unassign', type: type.key, externalId, label: resourceName(type.key, externalId) })
                }
                onLimit={(externalId) =>
                  open({
                    kind: 'limit',
                    type: type.key,
                    typeName: type.name,
                    externalId,
                    label: resourceName(type.key, externalId),
                  })
                }
                onAllowAll={() => open({ kind: 'allowAll', type: type.key, typeName: type.name })}
              />
            );
          })}
        </SimpleGrid>
      </Card>

      {dialog?.kind === 'role' ? (
        <RoleChangeDialog
          member={member}
          catalog={catalog}
          roles={(roles.data?.items ?? [])
            .filter((role) => role.assignable && role.id !== member.role?.id)
            .map((role) => ({ value: role.id, label: role.name }))}
          pending={action.isPending}
          error={action.error}
          onConfirm={(roleId) => action.mutate({ run: patch({ roleId }) })}
          onClose={close}
        />
      ) : null}
      {dialog?.kind === 'permissions' ? (
        <PermissionsDialog
          catalog={catalog}
          initial={grants}
          pending={action.isPending}
          error={action.error}
          onConfirm={(permissions) => action.mutate({ run: patch({ permissions }) })}
          onClose={close}
        />
      ) : null}
      {dialog?.kind === 'email' ? (
        <EmailDialog
          current={member.email}
          pending={action.isPending}
          error={action.error}
          onConfirm={(newEmail) =>
            action.mutate({
              run: () =>
                data(
                  api.POST('/v1/accounts/{accountId}/members/{memberId}/email-change', {
                    params: { path },
                    body: { newEmail, confirm: true },
                  }),
                ),
              notice: t('members.email.sent', { email: newEmail }),
            })
          }
          onClose={close}
        />
      ) : null}
      {dialog && ['deactivate', 'reactivate', 'remove', 'resetTwoFactor'].includes(dialog.kind) ? (
        <ConfirmDialog
          opened
          title={t(`members.confirm.${dialog.kind as 'deactivate'}.title`, { name: member.name || member.email })}
          message={t(`members.confirm.${dialog.kind as 'deactivate'}.message`, { name: member.name || member.email })}
          confirmLabel={t(`members.confirm.${dialog.kind as 'deactivate'}.confirm`)}
          danger={dialog.kind !== 'reactivate'}
          pending={action.isPending}
          error={action.error}
          onConfirm={() =>
            action.mutate({
              run:
                dialog.kind === 'resetTwoFactor'
                  ? () =>
                      data(
                        api.POST('/v1/accounts/{accountId}/members/{memberId}/reset-two-factor', {
                          params: { path },
                          body: { confirm: true },
                        }),
                      )
                  : post(dialog.kind as 'deactivate'),
            })
          }
          onClose={close}
        />
      ) : null}
      {dialog?.kind === 'name' ? (
        <ConfirmDialog
          opened
          title={t('members.identity.nameTitle')}
          message={t('members.identity.nameMessage', { old: member.name || member.email, name: dialog.name })}
          confirmLabel={t('members.identity.saveName')}
          pending={action.isPending}
          error={action.error}
          shownFields={['name']}
          onConfirm={() => action.mutate({ run: patch({ name: dialog.name }) })}
          onClose={close}
        />
      ) : null}
      {dialog?.kind === 'identity' ? (
        <ConfirmDialog
          opened
          title={t('members.identity.confirmTitle')}
          message={t('members.identity.confirmMessage')}
          confirmLabel={t('actions.save')}
          pending={action.isPending}
          error={action.error}
          onConfirm={() => action.mutate({ run: patch({ identity: dialog.identity }) })}
          onClose={close}
        />
      ) : null}
      {dialog?.kind === 'profiles' ? (
        <ConfirmDialog
          opened
          title={t('members.profiles.confirmTitle')}
          message={
            dialog.profileIds
              ? t('members.profiles.confirmSome', { profiles: dialog.profileIds.map(profileName).join(', ') })
              : t('members.profiles.confirmAll')
          }
          confirmLabel={t('actions.save')}
          pending={action.isPending}
          error={action.error}
          onConfirm={() => action.mutate({ run: patch({ profileIds: dialog.profileIds }) })}
          onClose={close}
        />
      ) : null}
      {dialog?.kind === 'flag' ? (
        <ConfirmDialog
          opened
          title={t(dialog.value ? 'members.flags.onTitle' : 'members.flags.offTitle', { flag: dialog.name })}
          message={t(dialog.value ? 'members.flags.onMessage' : 'members.flags.offMessage', {
            flag: dialog.name,
            name: member.name || member.email,
          })}
          confirmLabel={t('actions.save')}
          pending={action.isPending}
          error={action.error}
          onConfirm={() => action.mutate({ run: patch({ flags: { [dialog.key]: dialog.value } }) })}
          onClose={close}
        />
      ) : null}
      {dialog?.kind === 'limit' || dialog?.kind === 'allowAll' ? (
        <ConfirmDialog
          opened
          title={t(`members.resources.${dialog.kind}Title`, { type: dialog.typeName.toLowerCase() })}
          message={t(`members.resources.${dialog.kind}Message`, {
            type: dialog.typeName.toLowerCase(),
            resource: dialog.kind === 'limit' ? dialog.label : '',
            name: member.name || member.email,
          })}
          confirmLabel={t(`members.resources.${dialog.kind}`)}
          danger={dialog.kind === 'limit'}
          pending={action.isPending}
          error={action.error}
          onConfirm={() => {
            // `resources` replaces the whole scope: keep the other types as they are.
            const { [dialog.type]: _changed, ...others } = member.resourceScope;
            action.mutate({
              run: patch({
                resources: dialog.kind === 'limit' ? { ...others, [dialog.type]: [dialog.externalId] } : others,
              }),
            });
          }}
          onClose={close}
        />
      ) : null}
      {dialog?.kind === 'assign' || dialog?.kind === 'unassign' ? (
        <ConfirmDialog
          opened
          title={t(`members.resources.${dialog.kind}Title`)}
          message={t(`members.resources.${dialog.kind}Message`, {
            resource: dialog.label,
            name: member.name || member.email,
          })}
          confirmLabel={t(`members.resources.${dialog.kind}`)}
          danger={dialog.kind === 'unassign'}
          pending={action.isPending}
          error={action.error}
          onConfirm={() => {
            const params = { path: { ...path, type: dialog.type, externalId: dialog.externalId } };
            action.mutate({
              run: () =>
                dialog.kind === 'assign'
                  ? data(
                      api.PUT('/v1/accounts/{accountId}/members/{memberId}/resources/{type}/{externalId}', {
                        params,
                        body: { confirm: true },
                      }),
                    )
                  : data(
                      api.DELETE('/v1/accounts/{accountId}/members/{memberId}/resources/{type}/{externalId}', {
                        params,
                        body: { confirm: true },
                      }),
                    ),
            });
          }}
          onClose={close}
        />
      ) : null}
    </Stack>
  );
}

/** What a member may do, a line per module ("Customers: Display customers, Edit customers"), so a long role stays readable. */
function GrantsByModule({ catalog, grants }: { catalog: Catalog; grants: Grant[] }) {
  const { t } = useTranslation();
  const scopes = new Map(grants.map((grant) => [grant.permission, grant.scope]));
  return (
    <Stack gap={4} data-testid="member-permissions">
      {catalog.modules.map((module) => {
        const held = module.actions.filter((action) => scopes.has(action.permission));
        if (held.length === 0) return null;
        return (
          <Text size="sm" key={module.key}>
            <Text span fw={600} inherit>
              {module.name}:
            </Text>{' '}
            {held
              .map(
                (action) =>
                  `${action.name}${scopes.get(action.permission) === 'own' ? ` (${t('members.permissions.ownShort')})` : ''}`,
              )
              .join(', ')}
          </Text>
        );
      })}
    </Stack>
  );
}

const identityFields = ['idType', 'idNumber', 'phone'] as const;

/** Identity fields are set once: a set one is shown read-only, an unset one can be filled in. */
function IdentityCard({
  member,
  editable,
  onSave,
  onRename,
}: {
  member: Member;
  editable: boolean;
  onSave: (identity: Record<string, string>) => void;
  onRename: (name: string) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [name, setName] = useState(member.name);
  const renamed = name.trim() !== '' && name.trim() !== member.name;
  const unset = identityFields.filter((field) => !member.identity[field]);
  const filled = Object.fromEntries(Object.entries(draft).filter(([, value]) => value.trim() !== ''));
  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        {t('members.identity.title')}
      </Title>
      <Stack gap="xs">
        {/* The full name stays editable (Wompi; PRODUCT rule 5); only the identity fields are fixed. */}
        {editable ? (
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <TextInput
              label={t('fields.name')}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Button variant="default" disabled={!renamed} onClick={() => onRename(name.trim())}>
              {t('members.identity.saveName')}
            </Button>
          </Group>
        ) : (
          <TextInput label={t('fields.name')} value={member.name} readOnly variant="filled" />
        )}
        <TextInput label={t('fields.email')} value={member.email} readOnly variant="filled" />
        {identityFields.map((field) =>
          member.identity[field] || !editable ? (
            <TextInput
              key={field}
              label={t(`members.identity.${field}`)}
              value={member.identity[field] ?? t('members.identity.notSet')}
              readOnly
              variant="filled"
              description={member.identity[field] ? t('members.identity.fixed') : undefined}
            />
          ) : (
            <TextInput
              key={field}
              label={t(`members.identity.${field}`)}
              value={draft[field] ?? ''}
              onChange={(event) => setDraft({ ...draft, [field]: event.currentTarget.value })}
            />
          ),
        )}
        {editable && unset.length > 0 ? (
          <Group justify="flex-end">
            <Button variant="default" disabled={Object.keys(filled).length === 0} onClick={() => onSave(filled)}>
              {t('members.identity.save')}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}

function ProfilesCard({
  current,
  options,
  editable,
  profileName,
  onSave,
}: {
  current: string[] | null;
  options: { value: string; label: string }[];
  editable: boolean;
  profileName: (id: string) => string;
  onSave: (profileIds: string[] | null) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<string[]>(current ?? []);
  const changed = JSON.stringify([...draft].sort()) !== JSON.stringify([...(current ?? [])].sort());
  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        {t('members.profiles.title')}
      </Title>
      {editable ? (
        <Stack gap="xs">
          <MultiSelect
            label={t('members.profiles.label')}
            description={t('members.profiles.hint')}
            placeholder={draft.length ? undefined : t('members.allProfiles')}
            data={options}
            value={draft}
            onChange={setDraft}
            clearable
            searchable
          />
          <Group justify="flex-end">
            <Button variant="default" disabled={!changed} onClick={() => onSave(draft.length ? draft : null)}>
              {t('members.profiles.save')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Text size="sm">{current ? current.map(profileName).join(', ') : t('members.allProfiles')}</Text>
      )}
    </Card>
  );
}

function ResourceTypeScope({
  typeName,
  assigned,
  choices,
  canChange,
  onAssign,
  onUnassign,
  onLimit,
  onAllowAll,
}: {
  typeName: string;
  assigned: { id: string; label: string }[] | undefined;
  choices: { value: string; label: string }[];
  canChange: boolean;
  onAssign: (externalId: string) => void;
  onUnassign: (externalId: string) => void;
  /** From every resource of the type to just this one. */
  onLimit: (externalId: string) => void;
  onAllowAll: () => void;
}) {
  const { t } = useTranslation();
  const [picked, setChoice] = useState<string | null>(null);
  // Once assigned, a resource leaves the choices: the select must not keep showing it.
  const choice = choices.some((option) => option.value === picked) ? picked : null;
  return (
    <Stack gap={6} data-testid="resource-scope">
      <Text fw={600} size="sm">
        {typeName}
      </Text>
      {assigned === undefined ? (
        <Text size="sm" c="dimmed">
          {t('members.resources.all')}
        </Text>
      ) : assigned.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('members.resources.none')}
        </Text>
      ) : (
        <Group gap={6}>
          {assigned.map((resource) => (
            <Badge
              key={resource.id}
              // A resource's own name, as the payout system spells it (badges are upper-case by default).
              tt="none"
              variant="light"
              rightSection={
                canChange ? (
                  <button
                    type="button"
                    aria-label={t('members.resources.unassignNamed', { resource: resource.label })}
                    onClick={() => onUnassign(resource.id)}
                    style={{
                      border: 0,
                      background: 'none',
                      padding: 0,
                      cursor: 'pointer',
                      display: 'flex',
                      color: 'inherit',
                    }}
                  >
                    <IconX size={12} aria-hidden />
                  </button>
                ) : undefined
              }
            >
              {resource.label}
            </Badge>
          ))}
        </Group>
      )}
      {canChange && assigned !== undefined && choices.length > 0 ? (
        <Group gap="xs" align="flex-end">
          <Select
            size="xs"
            label={t('members.resources.chooseLabel', { type: typeName })}
            data={choices}
            value={choice}
            onChange={setChoice}
            searchable
            w={220}
          />
          <Button size="xs" variant="default" disabled={!choice} onClick={() => choice && onAssign(choice)}>
            {t('members.resources.assign')}
          </Button>
        </Group>
      ) : null}
      {canChange && assigned === undefined && choices.length > 0 ? (
        <Group gap="xs" align="flex-end">
          <Select
            size="xs"
            label={t('members.resources.limitLabel', { type: typeName })}
            data={choices}
            value={choice}
            onChange={setChoice}
            searchable
            w={220}
          />
          <Button size="xs" variant="default" disabled={!choice} onClick={() => choice && onLimit(choice)}>
            {t('members.resources.limit')}
          </Button>
        </Group>
      ) : null}
      {canChange && assigned !== undefined ? (
        <div>
          <Button size="compact-xs" variant="subtle" onClick={onAllowAll}>
            {t('members.resources.allowAllNamed', { type: typeName.toLowerCase() })}
          </Button>
        </div>
      ) : null}
    </Stack>
  );
}

function RoleChangeDialog({
  member,
  catalog,
  roles,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  member: Member;
  catalog: Catalog;
  roles: { value: string; label: string }[];
  pending: boolean;
  error: unknown;
  onConfirm: (roleId: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { membership } = useAccount();
  const [roleId, setRoleId] = useState<string | null>(null);
  const preview = useQuery({
    queryKey: ['accounts', membership.accountId, 'members', 'preview', member.id, roleId],
    enabled: Boolean(roleId),
    queryFn: () =>
      data(
        api.GET('/v1/accounts/{accountId}/members/{memberId}/role-change-preview', {
          params: { path: { accountId: membership.accountId, memberId: member.id }, query: { roleId: roleId! } },
        }),
      ),
  });
  const describe = (grant: Grant) =>
    `${permissionLabel(catalog, grant.permission)}${grant.scope === 'own' ? ` (${t('members.permissions.ownShort')})` : ''}`;
  return (
    <ConfirmDialog
      opened
      title={t('members.role.title', { name: member.name || member.email })}
      confirmLabel={t('members.role.confirm')}
      confirmDisabled={!roleId || !preview.isSuccess}
      pending={pending}
      error={error ?? preview.error}
      shownFields={['roleId']}
      onConfirm={() => roleId && onConfirm(roleId)}
      onClose={onClose}
    >
      <Text size="sm">
        {member.role ? t('members.role.current', { role: member.role.name }) : t('members.role.currentIndividual')}
      </Text>
      <Select
        label={t('members.role.newRole')}
        data={roles}
        value={roleId}
        onChange={setRoleId}
        error={fieldError(error, 'roleId')}
        data-autofocus
      />
      {preview.isFetching ? <LoadingState label={t('members.role.previewLoading')} /> : null}
      {preview.isSuccess && !preview.isFetching ? (
        <SimpleGrid cols={2} data-testid="role-preview">
          <div>
            <Text fw={600} size="sm">
              {t('members.role.gained', { count: preview.data.gained.length })}
            </Text>
            <List size="sm" spacing={2}>
              {preview.data.gained.map((grant) => (
                <List.Item key={grant.permission}>{describe(grant)}</List.Item>
              ))}
            </List>
          </div>
          <div>
            <Text fw={600} size="sm">
              {t('members.role.lost', { count: preview.data.lost.length })}
            </Text>
            <List size="sm" spacing={2}>
              {preview.data.lost.map((grant) => (
                <List.Item key={grant.permission}>{describe(grant)}</List.Item>
              ))}
            </List>
          </div>
        </SimpleGrid>
      ) : null}
    </ConfirmDialog>
  );
}

function PermissionsDialog({
  catalog,
  initial,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  catalog: Catalog;
  initial: Grant[];
  pending: boolean;
  error: unknown;
  onConfirm: (grants: Grant[]) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { membership } = useAccount();
  const mine = usePermissions(membership);
  const [grants, setGrants] = useState<Grant[]>(initial);
  return (
    <ConfirmDialog
      opened
      title={t('members.permissions.title')}
      message={t('members.permissions.explanation')}
      confirmLabel={t('members.permissions.confirm')}
      confirmDisabled={grants.length === 0 || !mine.data}
      size={1040}
      pending={pending}
      error={error ?? mine.error}
      onConfirm={() => onConfirm(grants)}
      onClose={onClose}
    >
      {mine.data ? (
        <PermissionPicker
          catalog={catalog}
          holder={mine.data}
          value={grants}
          onChange={setGrants}
          label={t('members.permissions.title')}
          maxHeight={460}
        />
      ) : mine.isPending ? (
        <LoadingState />
      ) : null}
    </ConfirmDialog>
  );
}

function EmailDialog({
  current,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  current: string;
  pending: boolean;
  error: unknown;
  onConfirm: (email: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  return (
    <ConfirmDialog
      opened
      title={t('members.email.title')}
      message={t('members.email.explanation', { current })}
      confirmLabel={t('members.email.confirm')}
      confirmDisabled={email.trim() === ''}
      pending={pending}
      error={error}
      shownFields={['newEmail']}
      onConfirm={() => onConfirm(email.trim())}
      onClose={onClose}
    >
      <TextInput
        type="email"
        label={t('members.email.newEmail')}
        value={email}
        onChange={(event) => setEmail(event.currentTarget.value)}
        error={fieldError(error, 'newEmail')}
        data-autofocus
      />
    </ConfirmDialog>
  );
}
