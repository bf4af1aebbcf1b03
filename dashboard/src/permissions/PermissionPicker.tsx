import { Checkbox, Group, Paper, ScrollArea, Stack, Switch, Table, Text, Tooltip } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { type Catalog, type CatalogAction, type Grant, grantableScope, type Holder, type Scope } from './catalog';

/** The actions most modules share get a column each; the rest are listed by name in the last column. */
const columns = ['view', 'create', 'edit', 'delete', 'manage'] as const;

/**
 * The module × action matrix every screen that grants permissions uses (role editor, invite,
 * a member's individual permissions). "Own records only" appears where the catalog allows it,
 * and is forced on when the editor holds just that. What the editor may not grant is shown
 * locked with the reason (no escalation is shown, not just enforced).
 *
 * The header row stays in view while a long matrix scrolls: under the app's header on a page,
 * at the top of its own scroll area when `maxHeight` is given (inside a dialog).
 */
export function PermissionPicker({
  catalog,
  holder,
  value,
  onChange,
  label,
  readOnlyReason,
  maxHeight,
}: {
  catalog: Catalog;
  holder: Holder;
  value: readonly Grant[];
  onChange: (grants: Grant[]) => void;
  label: string;
  /** Everything is read-only, for this reason (a built-in role, a viewer who may not change it). */
  readOnlyReason?: string;
  maxHeight?: number;
}) {
  const { t } = useTranslation();
  const chosen = new Map(value.map((grant) => [grant.permission, grant.scope]));
  const set = (permission: string, scope: Scope | null) => {
    const rest = value.filter((grant) => grant.permission !== permission);
    onChange(scope ? [...rest, { permission, scope }] : rest);
  };
  const lockReason = (action: CatalogAction): string | null => {
    if (readOnlyReason) return readOnlyReason;
    if (action.ownerOnly) return t('permissions.ownerOnly');
    return grantableScope(holder, action) ? null : t('permissions.notYours');
  };

  /** One permission: its checkbox, the own-records switch where the catalog allows, a lock with the reason when it cannot be granted. */
  const cell = (moduleName: string, action: CatalogAction, labelled: boolean) => {
    const reason = lockReason(action);
    const scope = chosen.get(action.permission);
    const ownForced = grantableScope(holder, action) === 'own';
    const name = t('permissions.cellLabel', { module: moduleName, action: action.name });
    return (
      <Stack
        gap={4}
        align={labelled ? 'flex-start' : 'center'}
        key={action.permission}
        data-permission={action.permission}
      >
        <Group gap={6} wrap="nowrap">
          <Checkbox
            aria-label={name}
            label={labelled ? action.name : undefined}
            title={labelled ? undefined : action.name}
            checked={scope !== undefined}
            disabled={reason !== null}
            onChange={(event) =>
              set(action.permission, event.currentTarget.checked ? (ownForced ? 'own' : 'all') : null)
            }
          />
          {reason && !readOnlyReason ? (
            <Tooltip label={reason} withArrow>
              <span
                tabIndex={0}
                role="img"
                aria-label={`${name}: ${reason}`}
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
            label={t('permissions.ownOnly')}
            styles={{ label: { whiteSpace: 'nowrap', fontSize: 'var(--mantine-font-size-xs)', paddingInlineStart: 6 } }}
            aria-label={t('permissions.ownLabel', { module: moduleName, action: action.name })}
            checked={scope === 'own'}
            disabled={reason !== null || ownForced}
            onChange={(event) => set(action.permission, event.currentTarget.checked ? 'own' : 'all')}
          />
        ) : null}
      </Stack>
    );
  };

  const table = (
    <Table
      verticalSpacing="sm"
      aria-label={label}
      data-testid="permission-matrix"
      stickyHeader
      stickyHeaderOffset={maxHeight ? 0 : 'var(--app-shell-header-offset, 0rem)'}
    >
      <Table.Thead style={{ zIndex: 2, boxShadow: '0 1px 0 var(--table-border-color)' }}>
        <Table.Tr>
          <Table.Th>{t('permissions.module')}</Table.Th>
          {columns.map((key) => (
            <Table.Th key={key} ta="center">
              {t(`permissions.columns.${key}`)}
            </Table.Th>
          ))}
          <Table.Th>{t('permissions.columns.other')}</Table.Th>
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
                  {action ? cell(module.name, action, false) : null}
                </Table.Td>
              );
            })}
            <Table.Td>
              <Stack gap={8}>
                {module.actions
                  .filter((action) => !(columns as readonly string[]).includes(action.key))
                  .map((action) => cell(module.name, action, true))}
              </Stack>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
  return (
    <Paper withBorder>
      {maxHeight ? (
        <ScrollArea.Autosize mah={maxHeight} type="auto" offsetScrollbars>
          {table}
        </ScrollArea.Autosize>
      ) : (
        table
      )}
      {readOnlyReason ? null : (
        <Text size="xs" c="dimmed" px="md" py="xs">
          {t('permissions.lockedHint')}
        </Text>
      )}
    </Paper>
  );
}
