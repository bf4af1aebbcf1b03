import {
  AppShell,
  Avatar,
  Box,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { IconBuildingStore, IconCheck, IconChevronDown, IconLogout, IconShieldLock } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { api } from '../api/client';
import { type Me, type Membership, rememberAccount, useResetSession, usableMemberships } from '../api/session';
import { Logo } from '../components/Logo';
import { screens } from './screens';

/**
 * The frame of every signed-in page: the account switcher, the navigation of the current
 * account (only what the member's effective permissions allow), and the personal menu.
 */
export function Shell({
  me,
  membership,
  can,
  children,
}: {
  me: Me;
  membership: Membership | undefined;
  can: (permission: string) => boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const location = useLocation();
  const base = membership ? `/accounts/${membership.accountId}` : undefined;
  const entries = screens.filter((screen) => screen.nav && (!screen.permission || can(screen.permission)));
  // On a phone the navigation is a panel the menu button opens; choosing a page closes it.
  const [navOpened, setNavOpened] = useState(false);
  useEffect(() => setNavOpened(false), [location.pathname]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <AppShell.Header px={{ base: 'sm', sm: 'lg' }}>
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={() => setNavOpened((opened) => !opened)}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('shell.navigation')}
              aria-expanded={navOpened}
            />
            <Box visibleFrom="sm">
              <Link to="/" style={{ color: 'inherit', textDecoration: 'none' }} aria-label={t('shell.home')}>
                <Logo />
              </Link>
            </Box>
            <AccountSwitcher me={me} current={membership} />
          </Group>
          <UserMenu me={me} />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t('shell.navigation')}>
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap={2}>
            {base &&
              entries.map((screen) => {
                const to = screen.path ? `${base}/${screen.path.replace(/\/\*$/, '')}` : base;
                const active = screen.path ? location.pathname.startsWith(to) : location.pathname === base;
                const Icon = screen.nav!.icon;
                return (
                  <NavLink
                    key={screen.path}
                    component={Link}
                    to={to}
                    label={t(screen.nav!.label)}
                    leftSection={<Icon size={18} stroke={1.7} />}
                    active={active}
                    aria-current={active ? 'page' : undefined}
                    style={{ borderRadius: 'var(--mantine-radius-md)' }}
                  />
                );
              })}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <NavLink
            component={Link}
            to="/me/security"
            label={t('nav.security')}
            leftSection={<IconShieldLock size={18} stroke={1.7} />}
            active={location.pathname === '/me/security'}
            style={{ borderRadius: 'var(--mantine-radius-md)' }}
          />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0">
        <Box maw={1200} mx="auto">
          {children}
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}

function AccountSwitcher({ me, current }: { me: Me; current: Membership | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const accounts = usableMemberships(me);
  if (accounts.length === 0) return null;
  return (
    <Menu position="bottom-start" width={280} shadow="md">
      <Menu.Target>
        <UnstyledButton
          data-testid="account-switcher"
          px="sm"
          py={6}
          style={{ borderRadius: 'var(--mantine-radius-md)', border: '1px solid var(--mantine-color-gray-3)' }}
        >
          <Group gap="xs" wrap="nowrap">
            <IconBuildingStore size={18} stroke={1.7} aria-hidden />
            <VisuallyHidden>{t('shell.switchAccount')}:</VisuallyHidden>
            <Text size="sm" fw={600} maw={220} truncate>
              {current?.accountName ?? t('shell.chooseAccount')}
            </Text>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        {accounts.map((membership) => (
          <Menu.Item
            key={membership.accountId}
            onClick={() => {
              rememberAccount(membership.accountId);
              void navigate(`/accounts/${membership.accountId}`);
            }}
            rightSection={membership.accountId === current?.accountId ? <IconCheck size={16} /> : null}
          >
            <Text size="sm" fw={500}>
              {membership.accountName}
            </Text>
            <Text size="xs" c="dimmed">
              {membership.isOwner ? t('shell.owner') : (membership.role?.name ?? t('shell.customPermissions'))}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

function UserMenu({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const resetSession = useResetSession();
  const signOut = useMutation({
    mutationFn: () => api.DELETE('/v1/session'),
    onSettled: async () => {
      await resetSession();
      void navigate('/sign-in', { replace: true, state: { signedOut: true } });
    },
  });
  const initials = me.user.name
    .split(/\s+/)
    .map((part) => part[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <Menu position="bottom-end" width={260} shadow="md">
      <Menu.Target>
        <UnstyledButton data-testid="user-menu">
          <Group gap="xs" wrap="nowrap">
            <VisuallyHidden>{t('shell.personalMenu')}:</VisuallyHidden>
            <Avatar color="brand" radius="xl" size={34} aria-hidden>
              {initials}
            </Avatar>
            <Box visibleFrom="sm">
              <Text size="sm" fw={600} lh={1.2}>
                {me.user.name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {me.user.email}
              </Text>
            </Box>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component={Link} to="/me/security" leftSection={<IconShieldLock size={16} />}>
          {t('nav.security')}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={() => signOut.mutate()}>
          {t('shell.signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
