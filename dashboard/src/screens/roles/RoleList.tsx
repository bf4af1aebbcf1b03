import { Badge, Button, Group, Modal, Paper, Select, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconPlus, IconUsersGroup } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, data } from '../../api/client';
import { useAccount } from '../../app/account-context';
import { ProblemAlert } from '../../components/ProblemAlert';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { type Role, rolesKey, useRoles } from './data';

/** Built-in templates (read-only) and the account's custom roles, with how many members hold each. */
export function RoleList() {
  const { t } = useTranslation();
  const { membership, can } = useAccount();
  const accountId = membership.accountId;
  const manage = can('roles.manage');
  const roles = useRoles(accountId);
  const [deleting, setDeleting] = useState<Role | null>(null);

  if (roles.isPending) return <LoadingState />;
  if (roles.isError) return <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />;
  const builtin = roles.data.items.filter((role) => role.builtin);
  const custom = roles.data.items.filter((role) => !role.builtin);
  const base = `/accounts/${accountId}/roles`;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('roles.title')}</Title>
          <Text c="dimmed">{t('roles.intro')}</Text>
        </div>
        {manage ? (
          <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
            {t('roles.create')}
          </Button>
        ) : null}
      </Group>

      <section aria-labelledby="custom-roles">
        <Title order={2} size="h3" id="custom-roles" mb="sm">
          {t('roles.custom')}
        </Title>
        {custom.length === 0 ? (
          <EmptyState
            icon={<IconUsersGroup size={24} />}
            title={t('roles.emptyTitle')}
            description={t('roles.emptyText')}
            action={
              manage ? (
                <Button component={Link} to={`${base}/new`}>
                  {t('roles.create')}
                </Button>
              ) : undefined
            }
          />
        ) : (
          <Paper withBorder>
            <Table verticalSpacing="sm" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('roles.name')}</Table.Th>
                  <Table.Th>{t('roles.permissions')}</Table.Th>
                  <Table.Th>{t('roles.members')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('roles.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {custom.map((role) => (
                  <Table.Tr key={role.id} data-testid={`role-${role.name}`}>
                    <Table.Td>
                      <Text fw={600}>{role.name}</Text>
                      {role.description ? (
                        <Text size="sm" c="dimmed">
                          {role.description}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{t('roles.permissionCount', { count: role.permissions.length })}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {t('roles.memberCount', { count: role.memberCount })}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          component={Link}
                          to={`${base}/${role.id}`}
                          aria-label={t(manage ? 'roles.editNamed' : 'roles.viewNamed', { name: role.name })}
                        >
                          {manage ? t('roles.edit') : t('roles.view')}
                        </Button>
                        {manage ? (
                          <Button
                            size="xs"
                            variant="subtle"
                            color="red"
                            onClick={() => setDeleting(role)}
                            aria-label={t('roles.deleteNamed', { name: role.name })}
                          >
                            {t('roles.delete')}
                          </Button>
                        ) : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </section>

      <section aria-labelledby="builtin-roles">
        <Title order={2} size="h3" id="builtin-roles" mb="sm">
          {t('roles.builtin')}
        </Title>
        <Paper withBorder>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('roles.name')}</Table.Th>
                <Table.Th>{t('roles.members')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('roles.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {builtin.map((role) => (
                <Table.Tr key={role.id}>
                  <Table.Td>
                    <Group gap="xs">
                      <Text fw={600}>{role.name}</Text>
                      <Badge variant="light" color="gray">
                        {t('roles.readOnly')}
                      </Badge>
                    </Group>
                    <Text size="sm" c="dimmed">
                      {role.description}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {t('roles.memberCount', { count: role.memberCount })}
                  </Table.Td>
                  <Table.Td>
                    <Group justify="flex-end">
                      <Button
                        size="xs"
                        variant="default"
                        component={Link}
                        to={`${base}/${encodeURIComponent(role.id)}`}
                        aria-label={t('roles.viewNamed', { name: role.name })}
                      >
                        {t('roles.view')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </section>
      {deleting ? (
        <DeleteRoleDialog role={deleting} roles={roles.data.items} onClose={() => setDeleting(null)} />
      ) : null}
    </Stack>
  );
}

function DeleteRoleDialog({ role, roles, onClose }: { role: Role; roles: Role[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { membership } = useAccount();
  const queryClient = useQueryClient();
  const [moveTo, setMoveTo] = useState<string | null>(null);
  const needsMove = role.memberCount > 0;
  const choices = roles
    .filter((other) => other.id !== role.id && other.assignable)
    .map((other) => ({ value: other.id, label: other.name }));
  const remove = useMutation({
    mutationFn: () =>
      data(
        api.DELETE('/v1/accounts/{accountId}/roles/{roleId}', {
          params: {
            path: { accountId: membership.accountId, roleId: role.id },
            query: needsMove && moveTo ? { reassignTo: moveTo } : {},
          },
          body: { confirm: true },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: rolesKey(membership.accountId) });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} zIndex={stackedBelowStepUp} title={t('roles.deleteTitle', { name: role.name })}>
      <Stack>
        <Text size="sm">
          {needsMove ? t('roles.deleteMoveText', { count: role.memberCount }) : t('roles.deleteText')}
        </Text>
        {needsMove ? (
          <Select
            label={t('roles.moveTo')}
            data={choices}
            value={moveTo}
            onChange={setMoveTo}
            required
            comboboxProps={{ withinPortal: false }}
          />
        ) : null}
        <ProblemAlert error={remove.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            disabled={needsMove && !moveTo}
            onClick={() => remove.mutate()}
          >
            {needsMove ? t('roles.deleteAndMove') : t('roles.delete')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The shared step-up prompt (a Mantine Modal, z-index 200) must open above a dialog whose action asks for it. */
const stackedBelowStepUp = 190;
