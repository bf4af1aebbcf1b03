import { Anchor, Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconDownload, IconListSearch } from '@tabler/icons-react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { useAccount } from '../../app/account-context';
import { EmptyState, QueryStates } from '../../components/States';
import { formatDateTime } from '../../i18n/format';

/** Common actions to filter by; `member.*` matches every member change (the API takes prefixes). */
const actionChoices = [
  'member.*',
  'role.*',
  'invitation.*',
  'api_key.*',
  'contact.*',
  'session.*',
  'two_factor.*',
  'password.*',
  'ownership.*',
  'account.*',
];

interface Filters {
  actor: string | null;
  action: string;
  from: string;
  to: string;
}

/** A datetime-local value (the browser's local time) as the RFC 3339 UTC instant the API expects. */
function toInstant(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function queryOf(filters: Filters) {
  return {
    ...(filters.actor ? { actor: filters.actor } : {}),
    ...(filters.action.trim() ? { action: filters.action.trim() } : {}),
    ...(toInstant(filters.from) ? { from: toInstant(filters.from) } : {}),
    ...(toInstant(filters.to) ? { to: toInstant(filters.to) } : {}),
  };
}

/** The account's security log: who did what to whom, newest first, filtered and paged by the API. */
export default function SecurityLogPage() {
  const { t, i18n } = useTranslation();
  const { membership } = useAccount();
  const accountId = membership.accountId;
  const [filters, setFilters] = useState<Filters>({ actor: null, action: '', from: '', to: '' });
  const query = queryOf(filters);

  // People are chosen by name; the API filters by the actor's id (a member id for a person).
  const people = useQuery({
    queryKey: ['security-log-people', accountId],
    queryFn: () =>
      data(
        api.GET('/v1/accounts/{accountId}/members', {
          params: { path: { accountId }, query: { limit: 200, sort: 'name' } },
        }),
      ),
  });
  const events = useInfiniteQuery({
    queryKey: ['security-events', accountId, query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/accounts/{accountId}/security-events', {
          params: { path: { accountId }, query: { ...query, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

  const exportUrl = `/v1/accounts/${encodeURIComponent(accountId)}/security-events/export?${new URLSearchParams({ ...query, format: 'csv' }).toString()}`;
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.keys(query).length > 0;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('securityLog.title')}</Title>
          <Text c="dimmed">{t('securityLog.intro')}</Text>
        </div>
        <Button component="a" href={exportUrl} download variant="default" leftSection={<IconDownload size={16} />}>
          {t('securityLog.export')}
        </Button>
      </Group>
      <Paper withBorder p="md">
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <Select
            label={t('securityLog.actor')}
            placeholder={t('securityLog.anyone')}
            data={(people.data?.items ?? []).map((person) => ({
              value: person.id,
              label: person.name || person.email,
            }))}
            value={filters.actor}
            onChange={(actor) => setFilters({ ...filters, actor })}
            searchable
            clearable
            nothingFoundMessage={t('securityLog.noPerson')}
            w={200}
          />
          <Select
            label={t('securityLog.action')}
            placeholder={t('securityLog.anyAction')}
            data={actionChoices.map((value) => ({
              value,
              label: t(`securityLog.actions.${value.replace('.*', '')}` as never),
            }))}
            value={filters.action || null}
            onChange={(action) => setFilters({ ...filters, action: action ?? '' })}
            clearable
            w={200}
          />
          <TextInput
            type="datetime-local"
            w={210}
            label={t('securityLog.from')}
            value={filters.from}
            onChange={(event) => setFilters({ ...filters, from: event.currentTarget.value })}
          />
          <TextInput
            type="datetime-local"
            w={210}
            label={t('securityLog.to')}
            value={filters.to}
            onChange={(event) => setFilters({ ...filters, to: event.currentTarget.value })}
          />
          {filtered ? (
            <Button variant="subtle" onClick={() => setFilters({ actor: null, action: '', from: '', to: '' })}>
              {t('securityLog.clear')}
            </Button>
          ) : null}
        </Group>
      </Paper>
      <QueryStates
        query={events}
        isEmpty={(_data) => rows.length === 0}
        empty={
          <EmptyState
            icon={<IconListSearch size={24} />}
            title={filtered ? t('securityLog.noMatchTitle') : t('securityLog.emptyTitle')}
            description={filtered ? t('securityLog.noMatchText') : t('securityLog.emptyText')}
          />
        }
      >
        {() => (
          <Paper withBorder>
            <Table verticalSpacing="sm" data-testid="security-events">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('securityLog.when')}</Table.Th>
                  <Table.Th>{t('securityLog.who')}</Table.Th>
                  <Table.Th>{t('securityLog.what')}</Table.Th>
                  <Table.Th>{t('securityLog.target')}</Table.Th>
                  <Table.Th>{t('securityLog.ip')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((event) => (
                  <Table.Tr key={event.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(event.at, i18n.language)}</Table.Td>
                    <Table.Td>
                      {event.actor.name ??
                        t(`securityLog.actorTypes.${event.actor.type}` as never, { defaultValue: event.actor.type })}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Text size="sm" ff="monospace">
                          {event.action}
                        </Text>
                        {event.outcome !== 'success' ? (
                          <Badge color="red" variant="light" title={event.errorCode ?? undefined}>
                            {t('securityLog.refused')}
                          </Badge>
                        ) : null}
                        {event.count > 1 ? (
                          <Badge variant="light" color="gray">
                            {t('securityLog.times', { count: event.count })}
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>{event.target ? (event.target.name ?? event.target.id) : '—'}</Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {event.ip ?? '—'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </QueryStates>
      {events.hasNextPage ? (
        <Group justify="center">
          <Button variant="default" loading={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
            {t('securityLog.more')}
          </Button>
        </Group>
      ) : null}
      <Text size="xs" c="dimmed">
        <Anchor href={exportUrl} download size="xs">
          {t('securityLog.exportHint')}
        </Anchor>
      </Text>
    </Stack>
  );
}
