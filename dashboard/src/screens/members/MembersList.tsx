import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Menu,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconChevronDown,
  IconChevronUp,
  IconCrown,
  IconDots,
  IconDownload,
  IconSearch,
  IconSelector,
  IconUserPlus,
  IconUsers,
} from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type ReactElement, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useAccount } from '../../app/account-context';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import {
  LightActionIcon,
  LightCell,
  LightRow,
  useLightBadges,
  useLightLinks,
} from '../../components/table/light-cells';
import classes from './MembersList.module.css';
import { formatDateTime } from '../../i18n/format';
import { actionLabel, availableActions } from './member-actions';
import {
  memberFilters,
  membersListQuery,
  type MemberRow,
  type MemberStatus,
  statusColor,
  useProfiles,
  useRoles,
} from './queries';

const statuses: MemberStatus[] = ['active', 'invited', 'inactive', 'removed'];
type SortKey = 'name' | 'email' | 'createdAt';

/**
 * The team: search, filters and sort live in the URL (so a filtered list can be bookmarked and
 * the CSV export gets the same query); paging follows the API's keyset cursor.
 */
export function MembersList() {
  const { t, i18n } = useTranslation();
  const { membership, can } = useAccount();
  const accountId = membership.accountId;
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  // The cursors of the pages before this one, so "Previous" needs no backwards cursor from the API.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];

  const filters = memberFilters(params);
  const setFilter = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
    setCursors([undefined]);
  };

  const profiles = useProfiles(accountId);
  const badge = useLightBadges();
  const link = useLightLinks();
  // Looked up once per render, not once per row and column.
  const labels = useMemo(
    () => ({
      owner: t('members.owner'),
      individual: t('members.individual'),
      allProfiles: t('members.allProfiles'),
      twoFactorOn: t('members.twoFactorOn'),
      twoFactorOff: t('members.twoFactorOff'),
      never: t('members.never'),
      status: Object.fromEntries(statuses.map((status) => [status, t(`members.status.${status}`)])) as Record<
        MemberStatus,
        string
      >,
    }),
    [t],
  );
  const list = useQuery({ ...membersListQuery(accountId, filters, cursor), placeholderData: keepPreviousData });
  // Roles feed only the role filter (rows carry their role's name), and listing them counts every
  // role's members: on a large team that query is slower than the page itself, so it waits for it.
  const roles = useRoles(accountId, { enabled: !list.isPending });

  const exportQuery = new URLSearchParams(
    Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  const exportHref = `/v1/accounts/${accountId}/members/export?${exportQuery.toString()}`;
  const filtered = Boolean(filters.q || filters.status || filters.roleId || filters.profileId);
  // Profiles are a column only in accounts that have any: elsewhere every row would say "All profiles".
  const hasProfiles = (profiles.data?.items.length ?? 0) > 0;
  const profileName = (id: string) => profiles.data?.items.find((profile) => profile.id === id)?.name ?? id;

  const sortHeader = (key: SortKey, label: string) => {
    const active = filters.sort.replace(/^-/, '') === key;
    const descending = filters.sort.startsWith('-');
    const Icon = !active ? IconSelector : descending ? IconChevronDown : IconChevronUp;
    return (
      <Table.Th aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
        <UnstyledButton onClick={() => setFilter('sort', active && !descending ? `-${key}` : key)}>
          <Group gap={4} wrap="nowrap">
            <Text fw={600} size="sm">
              {label}
            </Text>
            <Icon size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Table.Th>
    );
  };

  const inviteButton = can('users.invite') ? (
    <Button component={Link} to={`/accounts/${accountId}/invite`} leftSection={<IconUserPlus size={16} />}>
      {t('members.invite')}
    </Button>
  ) : null;

  let body;
  if (list.isPending) body = <LoadingState />;
  else if (list.isError) body = <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.items.length === 0 && !filtered && cursors.length === 1)
    body = (
      <EmptyState
        icon={<IconUsers size={24} />}
        title={t('members.empty.title')}
        description={t('members.empty.description')}
        action={inviteButton}
      />
    );
  else if (list.data.items.length === 0)
    body = (
      <EmptyState
        title={t('members.empty.noMatch')}
        description={t('members.empty.noMatchHint')}
        action={
          <Button
            variant="default"
            onClick={() => {
              setSearch('');
              setParams(new URLSearchParams(), { replace: true });
              setCursors([undefined]);
            }}
          >
            {t('members.filters.clear')}
          </Button>
        }
      />
    );
  else
    body = (
      <Stack gap="sm">
        <Table.ScrollContainer minWidth={960}>
          <Table highlightOnHover verticalSpacing="sm" fz="sm" data-testid="members-table">
            <Table.Thead>
              <Table.Tr>
                {sortHeader('name', t('members.columns.name'))}
                {sortHeader('email', t('members.columns.email'))}
                <Table.Th>{t('members.columns.role')}</Table.Th>
                <Table.Th>{t('members.columns.status')}</Table.Th>
                {hasProfiles ? <Table.Th>{t('members.columns.profiles')}</Table.Th> : null}
                <Table.Th>{t('members.columns.twoFactor')}</Table.Th>
                <Table.Th>{t('members.columns.lastSignIn')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('members.columns.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((member) => (
                // Plain rows (see LightRow): 50 rows of Mantine components were most of this
                // page's first paint.
                <LightRow key={member.id} data-testid="member-row">
                  <LightCell>
                    <div className={classes.name}>
                      {link(member.id, classes.nameLink, member.name || member.email)}
                      {member.isOwner ? (
                        <Badge
                          size="sm"
                          variant="filled"
                          color="yellow"
                          autoContrast
                          leftSection={<IconCrown size={12} aria-hidden />}
                        >
                          {labels.owner}
                        </Badge>
                      ) : null}
                    </div>
                  </LightCell>
                  {/* A long address may break anywhere rather than push the table past the page. */}
                  <LightCell style={{ overflowWrap: 'anywhere' }}>{member.email}</LightCell>
                  <LightCell>{member.isOwner ? labels.owner : (member.role?.name ?? labels.individual)}</LightCell>
                  <LightCell>{badge('light', statusColor[member.status], labels.status[member.status])}</LightCell>
                  {hasProfiles ? (
                    <LightCell dimmed={!member.profileIds}>
                      {member.profileIds ? member.profileIds.map(profileName).join(', ') : labels.allProfiles}
                    </LightCell>
                  ) : null}
                  <LightCell>
                    {badge(
                      'dot',
                      member.twoFactorEnabled ? 'green' : 'gray',
                      member.twoFactorEnabled ? labels.twoFactorOn : labels.twoFactorOff,
                    )}
                  </LightCell>
                  <LightCell dimmed={!member.lastSignInAt}>
                    {member.lastSignInAt ? formatDateTime(member.lastSignInAt, i18n.language) : labels.never}
                  </LightCell>
                  <LightCell style={{ textAlign: 'right' }}>
                    <RowActions
                      member={member}
                      label={t('members.rowActions', { name: member.name || member.email })}
                    />
                  </LightCell>
                </LightRow>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {t('members.page', { page: cursors.length })}
          </Text>
          <Group gap="xs">
            <Button
              variant="default"
              size="xs"
              disabled={cursors.length === 1}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              {t('members.previous')}
            </Button>
            <Button
              variant="default"
              size="xs"
              disabled={!list.data.nextCursor}
              onClick={() => setCursors([...cursors, list.data.nextCursor ?? undefined])}
            >
              {t('members.next')}
            </Button>
          </Group>
        </Group>
      </Stack>
    );

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('members.title')}</Title>
          <Text c="dimmed" size="sm">
            {t('members.subtitle')}
          </Text>
        </div>
        <Group gap="sm">
          <Button component="a" href={exportHref} download variant="default" leftSection={<IconDownload size={16} />}>
            {t('members.export')}
          </Button>
          {inviteButton}
        </Group>
      </Group>
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter('q', search.trim() || null);
        }}
      >
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label={t('members.filters.search')}
            placeholder={t('members.filters.searchPlaceholder')}
            leftSection={<IconSearch size={16} aria-hidden />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            onBlur={() => setFilter('q', search.trim() || null)}
            w={280}
          />
          <Select
            label={t('members.filters.status')}
            placeholder={t('members.filters.any')}
            clearable
            w={170}
            data={statuses.map((status) => ({ value: status, label: t(`members.status.${status}`) }))}
            value={filters.status ?? null}
            onChange={(value) => setFilter('status', value)}
          />
          <Select
            label={t('members.filters.role')}
            placeholder={t('members.filters.any')}
            clearable
            w={200}
            data={[
              ...(roles.data?.items ?? []).map((role) => ({ value: role.id, label: role.name })),
              { value: 'individual', label: t('members.individual') },
            ]}
            value={filters.roleId ?? null}
            onChange={(value) => setFilter('roleId', value)}
          />
          {hasProfiles ? (
            <Select
              label={t('members.filters.profile')}
              placeholder={t('members.filters.any')}
              clearable
              w={200}
              data={(profiles.data?.items ?? []).map((profile) => ({ value: profile.id, label: profile.name }))}
              value={filters.profileId ?? null}
              onChange={(value) => setFilter('profileId', value)}
            />
          ) : null}
          <VisuallyHidden>
            <button type="submit">{t('members.filters.apply')}</button>
          </VisuallyHidden>
        </Group>
      </form>
      {body}
    </Stack>
  );
}

/**
 * The row's "…" button. Until first clicked it is a plain button (one in each of 50 rows); the
 * menu behind it (a popover with its positioning, on Mantine's own button) is built then.
 */
function RowActions({ member, label }: { member: MemberRow; label: string }) {
  const [wanted, setWanted] = useState(false);
  if (!wanted)
    return (
      <LightActionIcon
        variant="subtle"
        color="gray"
        aria-label={label}
        aria-haspopup="menu"
        onClick={() => setWanted(true)}
      >
        <IconDots size={18} aria-hidden />
      </LightActionIcon>
    );
  const trigger = (
    <ActionIcon variant="subtle" color="gray" aria-label={label} aria-haspopup="menu">
      <IconDots size={18} aria-hidden />
    </ActionIcon>
  );
  return <RowActionsMenu member={member} trigger={trigger} />;
}

/**
 * The "…" menu at the end of a row (PayMongo's ellipsis, Wompi's Actions): each action opens
 * the member's page with that action's confirmation dialog already open.
 */
function RowActionsMenu({ member, trigger }: { member: MemberRow; trigger: ReactElement }) {
  const { t } = useTranslation();
  const { membership, can } = useAccount();
  const actions = availableActions(member, { memberId: membership.memberId, can });
  return (
    <Menu position="bottom-end" width={200} shadow="md" defaultOpened returnFocus>
      <Menu.Target>{trigger}</Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component={Link} to={member.id}>
          {t('members.actions.viewDetails')}
        </Menu.Item>
        {actions.length > 0 ? <Menu.Divider /> : null}
        {actions.map((kind) => (
          <Menu.Item
            key={kind}
            component={Link}
            to={`${member.id}?action=${kind}`}
            // Red text on the white menu, dark enough to read (axe color-contrast).
            color={kind === 'remove' ? 'red.9' : undefined}
          >
            {t(actionLabel[kind])}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
