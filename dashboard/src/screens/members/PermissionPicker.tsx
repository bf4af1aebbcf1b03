import { Checkbox, Switch, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Catalog, Grant } from './queries';

/**
 * Module × action grid. "Own records only" appears beside an action only where the catalog
 * allows that scope; owner-only actions are not offered (no one can grant them).
 */
export function PermissionPicker({
  catalog,
  value,
  onChange,
}: {
  catalog: Catalog;
  value: Grant[];
  onChange: (grants: Grant[]) => void;
}) {
  const { t } = useTranslation();
  const granted = new Map(value.map((grant) => [grant.permission, grant.scope]));
  const set = (permission: string, scope: 'all' | 'own' | null) => {
    const rest = value.filter((grant) => grant.permission !== permission);
    onChange(scope ? [...rest, { permission, scope }] : rest);
  };
  return (
    <Table withTableBorder verticalSpacing={6} data-testid="permission-picker">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('members.permissions.module')}</Table.Th>
          <Table.Th>{t('members.permissions.actions')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {catalog.modules.map((module) => {
          const actions = module.actions.filter((action) => !action.ownerOnly);
          if (actions.length === 0) return null;
          return (
            <Table.Tr key={module.key}>
              <Table.Td valign="top">
                <Text fw={600} size="sm">
                  {module.name}
                </Text>
              </Table.Td>
              <Table.Td>
                {actions.map((action) => {
                  const scope = granted.get(action.permission);
                  return (
                    <div
                      key={action.permission}
                      style={{ display: 'flex', gap: 16, alignItems: 'center', padding: '2px 0' }}
                    >
                      <Checkbox
                        // The module is named once, in the first column; screen readers hear both.
                        label={action.name}
                        aria-label={`${module.name}: ${action.name}`}
                        checked={scope !== undefined}
                        onChange={(event) => set(action.permission, event.currentTarget.checked ? 'all' : null)}
                        style={{ minWidth: 260 }}
                      />
                      {action.own && scope !== undefined ? (
                        <Switch
                          size="xs"
                          label={t('members.permissions.ownOnly')}
                          aria-label={t('members.permissions.ownOnlyFor', { action: `${module.name}: ${action.name}` })}
                          checked={scope === 'own'}
                          onChange={(event) => set(action.permission, event.currentTarget.checked ? 'own' : 'all')}
                        />
                      ) : null}
                    </div>
                  );
                })}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
