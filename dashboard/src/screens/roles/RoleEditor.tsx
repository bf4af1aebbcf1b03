import { Alert, Badge, Button, Group, Paper, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, data } from '../../api/client';
import { usePermissions } from '../../api/session';
import { useAccount } from '../../app/account-context';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import { ErrorState, LoadingState } from '../../components/States';
import { type Catalog, type Grant, type Holder, useCatalog } from '../../permissions/catalog';
import { PermissionPicker } from '../../permissions/PermissionPicker';
import { type Role, rolesKey, useRoles } from './data';

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
  return <RoleForm key={role?.id ?? 'new'} role={role} catalog={catalog.data!} holder={mine.data!} />;
}

function RoleForm({ role, catalog, holder }: { role?: Role; catalog: Catalog; holder: Holder }) {
  const { t } = useTranslation();
  const { membership, can } = useAccount();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const readOnly = (role?.builtin ?? false) || !can('roles.manage');
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [grants, setGrants] = useState<Grant[]>(role?.permissions ?? []);
  const base = `/accounts/${membership.accountId}/roles`;

  const save = useMutation({
    mutationFn: async () => {
      const body = { name: name.trim(), description: description.trim(), permissions: grants };
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
      <PermissionPicker
        catalog={catalog}
        holder={holder}
        value={grants}
        onChange={setGrants}
        label={t('roles.matrix')}
        readOnlyReason={readOnly ? t(role?.builtin ? 'roles.builtinLocked' : 'roles.notManager') : undefined}
      />
      {!readOnly ? (
        <>
          {!holder.isOwner ? (
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
              disabled={name.trim() === '' || grants.length === 0}
            >
              {role ? t('roles.saveChanges') : t('roles.createRole')}
            </Button>
          </Group>
        </>
      ) : null}
    </Stack>
  );
}
