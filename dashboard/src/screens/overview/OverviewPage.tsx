import { Badge, Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Title, UnstyledButton } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAccount } from '../../app/account-context';
import { screens } from '../../app/screens';
import { YourAccess } from './YourAccess';

/** An account's home: who you are here, and the screens your permissions open. */
export default function OverviewPage() {
  const { t } = useTranslation();
  const { membership, can } = useAccount();
  const base = `/accounts/${membership.accountId}`;
  const shortcuts = screens.filter(
    (screen) => screen.path !== '' && screen.nav && (!screen.permission || can(screen.permission)),
  );
  return (
    <Stack gap="lg">
      <div>
        <Text size="sm" c="dimmed">
          {t('overview.kicker')}
        </Text>
        <Title order={1}>{membership.accountName}</Title>
        <Group gap="xs" mt="xs">
          <Badge variant="light">
            {membership.isOwner ? t('shell.owner') : (membership.role?.name ?? t('shell.customPermissions'))}
          </Badge>
        </Group>
      </div>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
        {shortcuts.map((screen) => {
          const Icon = screen.nav!.icon;
          // "nav.securityLog" → "overview.hints.securityLog": a line saying what the screen is for.
          const hint = t(`overview.hints.${screen.nav!.label.replace(/^nav\./, '')}` as never, { defaultValue: '' });
          return (
            <UnstyledButton key={screen.path} component={Link} to={`${base}/${screen.path.replace(/\/\*$/, '')}`}>
              <Card padding="lg" h="100%">
                <Group gap="sm" wrap="nowrap">
                  <ThemeIcon variant="light" size={36} radius="md">
                    <Icon size={20} />
                  </ThemeIcon>
                  <div>
                    <Text fw={600}>{t(screen.nav!.label)}</Text>
                    {hint ? (
                      <Text size="sm" c="dimmed">
                        {hint}
                      </Text>
                    ) : null}
                  </div>
                </Group>
              </Card>
            </UnstyledButton>
          );
        })}
        <UnstyledButton component={Link} to="/me/security">
          <Card padding="lg" h="100%">
            <Group gap="sm" wrap="nowrap">
              <ThemeIcon variant="light" size={36} radius="md">
                <IconShieldLock size={20} />
              </ThemeIcon>
              <div>
                <Text fw={600}>{t('nav.security')}</Text>
                <Text size="sm" c="dimmed">
                  {t('overview.securityHint')}
                </Text>
              </div>
            </Group>
          </Card>
        </UnstyledButton>
      </SimpleGrid>
      <YourAccess membership={membership} />
    </Stack>
  );
}
