import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconArrowLeft, IconLock } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, data } from '../../api/client';
import { usePermissions } from '../../api/session';
import { useAccount } from '../../app/account-context';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import { ErrorState, LoadingState } from '../../components/States';
import { type Catalog, type Grant, type Role, rolesKey, useCatalog, useRoles } from './data';

type Scope = Grant['scope'];
type Action = Catalog['modules'][number]['actions'][number];

/** The actions most modules share get a column each; the rest are listed by name in the last column. */
const columns = ['view', 'create', 'edit', 'delete', 'manage'] as const;

/** Loads what the editor needs, then shows it: a new role, a custom role to change, or a built-in one to read. */
export function RoleEditor() {
  const { roleId } = useParams();
  const { membership } = useAccount();
  const roles = useRoles(membership.accountId);
  const catalog = useCatalog();
  const mine = usePermissions(membership);
  if (roles.isPending || catalog.isPending || mine.isPending) return <LoadingState />;
  const failed = roles.error ?? catalog.error ?? mine.error;
  if (failed)
    return (
      <ErrorState
        error={failed}
        onRetry={() => void Promise.all([roles.refetch(), catalog.refetch(), mine.refetch()])}
      />
    );
  const role = roleId ? roles.data!.items.find((item) => item.id === roleId) : undefined;
  if (roleId && !role)
    return <ErrorState error={{ code: 'role.not_found', status: 404, title: 'Not found', type: 'about:blank' }} />;
  // What the editor may grant: their own permissions at their own scope (no escalation).
  const grantable = new Map<string, Scope>();
  for (const grant of mine.data!.permissions)
    if (grantable.get(grant.permission) !== 'all') grantable.set(grant.permission, grant.scope);
  return (
    <RoleForm
      key={role?.id ?? 'new'}
      role={role}
      catalog={catalog.data!}
      isOwner={mine.data!.isOwner}
      grantable={grantable}
    />
  );
}

function RoleForm({
  role,
  catalog,
  isOwner,
  grantable,
}: {
  role?: Role;
  catalog: Catalog;
  isOwner: boolean;
  grantable: Map<string, Scope>;
}) {
  const { t } = useTranslation();
  const { membership, can } = useAccount();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const readOnly = (role?.builtin ?? false) || !can('roles.manage');
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [grants, setGrants] = useState(
    () => new Map<string, Scope>((role?.permissions ?? []).map((grant) => [grant.permission, grant.scope])),
  );
  const base = `/accounts/${membership.accountId}/roles`;

  const save = useMutation({
    mutationFn: async () => {
      const permissions = [...grants].map(([permission, scope]) => ({ permission, scope }));
      const body = { name: name.trim(), description: description.trim(), permissions };
      const path = { accountId: membership.accountId };
      if (role)
        return data(
          api.PATCH('/v1/accounts/{accountId}/roles/{roleId}', {
            params: { path: { ...path, roleId: role.id } },
            body: { ...body, confirm: true },
          }),
        );
      return data(api.POST('/v1/accounts/{accountId}/roles', { params: { path }, body }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: rolesKey(membership.accountId) });
      void navigate(base);
    },
  });

  /** Why a cell cannot be changed, or null when the editor may grant it. */
  function lockReason(action: Action): string | null {
    if (readOnly) return t(role?.builtin ? 'roles.builtinLocked' : 'roles.notManager');
    if (action.ownerOnly) return t('roles.ownerOnly');
    if (!isOwner && !grantable.has(action.permission)) return t('roles.notYours');
    return null;
  }
  function toggle(permission: string, on: boolean, ownOnlyForced: boolean) {
    setGrants((current) => {
      const next = new Map(current);
      if (on) next.set(permission, ownOnlyForced ? 'own' : 'all');
      else next.delete(permission);
      return next;
    });
  }
  function setOwn(permission: string, own: boolean) {
    setGrants((current) => new Map(current).set(permission, own ? 'own' : 'all'));
  }

  /** One permission: a checkbox (its action's name as label), the own-records switch where the catalog allows, a lock with the reason when the editor may not grant it. */
  function cellFor(moduleName: string, action: Action, labelled: boolean) {
    const reason = lockReason(action);
    const scope = grants.get(action.permission);
    const ownForced = !isOwner && grantable.get(action.permission) === 'own';
    const label = t('roles.cellLabel', { module: moduleName, action: action.name });
    const cell = (
      <Stack
        gap={4}
        align={labelled ? 'flex-start' : 'center'}
        key={action.permission}
        data-permission={action.permission}
      >
        <Group gap={6} wrap="nowrap">
          <Checkbox
            aria-label={label}
            label={labelled ? action.name : undefined}
            title={labelled ? undefined : action.name}
            checked={scope !== undefined}
            disabled={reason !== null}
            onChange={(event) => toggle(action.permission, event.currentTarget.checked, ownForced)}
          />
          {reason && !readOnly ? (
            <Tooltip label={reason} withArrow>
              <span
                tabIndex={0}
                role="img"
                aria-label={`${label}: ${reason}`}
                data-locked="true"
                style={{ display: 'inline-flex', color: 'var(--mantine-color-gray-7)' }}
              >
                <IconLock size={14} aria-hidden />
              </span>
            </Tooltip>
          ) : null}
        </Group>
        {action.own && scope !== undefined ? (
          <Switch
            size="xs"
            label={t('roles.ownOnly')}
            styles={{ label: { whiteSpace: 'nowrap', fontSize: 'var(--mantine-font-size-xs)', paddingInlineStart: 6 } }}
            aria-label={t('roles.ownLabel', { module: moduleName, action: action.name })}
            checked={scope === 'own'}
            disabled={reason !== null || ownForced}
            onChange={(event) => setOwn(action.permission, event.currentTarget.checked)}
          />
        ) : null}
      </Stack>
    );
    return cell;
  }

  return (
    <Stack gap="lg">
      <div>
        <Button component={Link} to={base} variant="subtle" size="compact-sm" leftSection={<IconArrowLeft size={14} />}>
          {t('roles.back')}
        </Button>
        <Group gap="sm" mt="xs">
          <Title order={1}>{role ? role.name : t('roles.newTitle')}</Title>
          {readOnly ? (
            <Badge variant="light" color="gray">
              {t('roles.readOnly')}
            </Badge>
          ) : null}
        </Group>
        <Text c="dimmed">
          {role?.builtin ? t('roles.builtinText') : readOnly ? t('roles.notManager') : t('roles.editorIntro')}
        </Text>
      </div>
      {!readOnly ? (
        <Paper withBorder p="lg">
          <Stack>
            <TextInput
              label={t('roles.name')}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              required
              maxLength={100}
              error={fieldError(save.error, 'name')}
            />
            <Textarea
              label={t('roles.description')}
              value={description}
              onChange={(event) => setDescription(event.currentTarget.value)}
              maxLength={500}
              autosize
              minRows={2}
              error={fieldError(save.error, 'description')}
            />
          </Stack>
        </Paper>
      ) : null}
      <Paper withBorder>
        <Table verticalSpacing="sm" aria-label={t('roles.matrix')} data-testid="permission-matrix" stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('roles.module')}</Table.Th>
              {columns.map((key) => (
                <Table.Th key={key} ta="center">
                  {t(`roles.columns.${key}`)}
                </Table.Th>
              ))}
              <Table.Th>{t('roles.columns.other')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {catalog.modules.map((module) => (
              <Table.Tr key={module.key}>
                <Table.Th scope="row" fw={600}>
                  {module.name}
                </Table.Th>
                {columns.map((key) => {
                  const action = module.actions.find((candidate) => candidate.key === key);
                  return (
                    <Table.Td key={key} ta="center">
                      {action ? cellFor(module.name, action, false) : null}
                    </Table.Td>
                  );
                })}
                <Table.Td>
                  <Stack gap={8}>
                    {module.actions
                      .filter((action) => !(columns as readonly string[]).includes(action.key))
                      .map((action) => cellFor(module.name, action, true))}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {!readOnly ? (
        <>
          {!isOwner ? (
            <Alert variant="light" color="blue">
              {t('roles.noEscalation')}
            </Alert>
          ) : null}
          <ProblemAlert error={save.error} shownFields={['body/name', 'body/description', 'name', 'description']} />
          <Group justify="flex-end">
            <Button variant="default" component={Link} to={base}>
              {t('actions.cancel')}
            </Button>
            <Button
              onClick={() => save.mutate()}
              loading={save.isPending}
              disabled={name.trim() === '' || grants.size === 0}
            >
              {role ? t('roles.saveChanges') : t('roles.createRole')}
            </Button>
          </Group>
        </>
      ) : null}
    </Stack>
  );
}
