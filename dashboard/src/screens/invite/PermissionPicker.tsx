import { Checkbox, Group, Paper, ScrollArea, Stack, Switch, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type Grant, grantableScope, type useInviteOptions } from './options';

type Options = ReturnType<typeof useInviteOptions>;

/**
 * The module × action matrix. Only actions the inviter may grant can be ticked; "own records
 * only" appears where the catalog allows it, and is forced on when the inviter holds just that.
 */
export function PermissionPicker({
  catalog,
  permissions,
  value,
  onChange,
  label,
}: {
  catalog: NonNullable<Options['catalog']>;
  permissions: NonNullable<Options['permissions']>;
  value: Grant[];
  onChange: (grants: Grant[]) => void;
  label: string;
}) {
  const { t } = useTranslation();
  const chosen = new Map(value.map((grant) => [grant.permission, grant.scope]));
  const set = (permission: string, scope: Grant['scope'] | null) => {
    const next = value.filter((grant) => grant.permission !== permission);
    onChange(scope ? [...next, { permission, scope }] : next);
  };
  const modules = catalog.modules
    .map((module) => ({
      module,
      actions: module.actions.map((action) => ({
        action,
        max: grantableScope(permissions, action.permission, action.ownerOnly),
      })),
    }))
    .filter((row) => row.actions.some((cell) => cell.max !== null));
  return (
    <Paper withBorder p={0} role="group" aria-label={label}>
      <ScrollArea.Autosize mah={420}>
        <Table verticalSpacing="xs" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={200}>{t('invite.permissions.module')}</Table.Th>
              <Table.Th>{t('invite.permissions.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {modules.map(({ module, actions }) => (
              <Table.Tr key={module.key}>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {module.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="lg" align="flex-start" style={{ rowGap: 'var(--mantine-spacing-xs)' }}>
                    {actions.map(({ action, max }) => {
                      const scope = chosen.get(action.permission);
                      return (
                        <Stack key={action.permission} gap={4}>
                          <Checkbox
                            size="sm"
                            label={action.name}
                            aria-label={`${module.name}: ${action.name}`}
                            disabled={max === null}
                            checked={scope !== undefined}
                            onChange={(event) =>
                              set(
                                action.permission,
                                event.currentTarget.checked ? (action.own && max === 'own' ? 'own' : 'all') : null,
                              )
                            }
                          />
                          {action.own && scope !== undefined ? (
                            <Switch
                              size="xs"
                              ml={28}
                              label={t('invite.permissions.ownOnly')}
                              aria-label={`${module.name}: ${action.name} — ${t('invite.permissions.ownOnly')}`}
                              checked={scope === 'own'}
                              disabled={max === 'own'}
                              onChange={(event) => set(action.permission, event.currentTarget.checked ? 'own' : 'all')}
                            />
                          ) : null}
                        </Stack>
                      );
                    })}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      <Text size="xs" c="dimmed" px="md" py="xs">
        {t('invite.permissions.greyed')}
      </Text>
    </Paper>
  );
}

/** Every grant the inviter may hand on, at the widest scope they hold ("all permissions"). */
export function everythingGrantable(
  catalog: NonNullable<Options['catalog']>,
  permissions: NonNullable<Options['permissions']>,
): Grant[] {
  return catalog.modules.flatMap((module) =>
    module.actions.flatMap((action) => {
      const max = grantableScope(permissions, action.permission, action.ownerOnly);
      return max ? [{ permission: action.permission, scope: max }] : [];
    }),
  );
}
