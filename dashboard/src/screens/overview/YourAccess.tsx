import { Card, List, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { type Membership, usePermissions } from '../../api/session';

/**
 * What the signed-in member may do in this account, module by module. Most of it is used in
 * the merchant's own product, not here, so without it a teammate would see an empty page; it
 * follows an admin's change within seconds (the permissions are polled).
 */
export function YourAccess({ membership }: { membership: Membership }) {
  const { t } = useTranslation();
  const permissions = usePermissions(membership);
  const catalog = useQuery({ queryKey: ['catalog'], queryFn: () => data(api.GET('/v1/catalog')), staleTime: Infinity });
  if (!permissions.data || !catalog.data || permissions.data.isOwner) return null;
  const granted = new Map(permissions.data.permissions.map((grant) => [grant.permission, grant.scope]));
  const modules = catalog.data.modules
    .map((module) => ({
      name: module.name,
      actions: module.actions
        .filter((action) => granted.has(action.permission))
        .map((action) =>
          granted.get(action.permission) === 'own' ? t('overview.access.own', { action: action.name }) : action.name,
        ),
    }))
    .filter((module) => module.actions.length > 0);
  return (
    <Card padding="lg" data-testid="your-access">
      <Title order={2} size="h4" mb={4}>
        {t('overview.access.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('overview.access.intro')}
      </Text>
      {modules.length === 0 ? (
        <Text size="sm">{t('overview.access.nothing')}</Text>
      ) : (
        <List size="sm" spacing={4}>
          {modules.map((module) => (
            <List.Item key={module.name}>
              <Text span fw={600} size="sm">
                {module.name}:
              </Text>{' '}
              {module.actions.join(', ')}
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}
