import { Badge, Button, Group, Modal, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBuildingCommunity, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { useAccount } from '../../app/account-context';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { formatDateTime } from '../../i18n/format';

type Profile = Awaited<ReturnType<typeof fetchProfiles>>['items'][number];

function fetchProfiles(accountId: string) {
  return data(
    api.GET('/v1/accounts/{accountId}/profiles', {
      params: { path: { accountId }, query: { includeArchived: true } },
    }),
  );
}

/**
 * Merchant profiles (BillPro: business units inside the account). Members can be limited to some
 * of them; an archived one is kept for history but offered nowhere.
 */
export default function ProfilesPage() {
  const { t, i18n } = useTranslation();
  const { membership, can } = useAccount();
  const accountId = membership.accountId;
  const queryClient = useQueryClient();
  // The members screens and the invite form list profiles under their own keys.
  const refresh = () =>
    Promise.all(
      [
        ['profiles', accountId],
        ['profiles-page', accountId],
        ['accounts', accountId, 'profiles'],
      ].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
    );
  const profiles = useQuery({ queryKey: ['profiles-page', accountId], queryFn: () => fetchProfiles(accountId) });
  const [editing, setEditing] = useState<Profile | 'new' | null>(null);
  const archive = useMutation({
    mutationFn: (profile: Profile) =>
      data(
        api.PATCH('/v1/accounts/{accountId}/profiles/{profileId}', {
          params: { path: { accountId, profileId: profile.id } },
          body: { archived: !profile.archived },
        }),
      ),
    onSuccess: async (saved) => {
      notifications.show({
        color: 'green',
        message: t(saved.archived ? 'profiles.archived' : 'profiles.unarchived', { name: saved.name }),
      });
      await refresh();
    },
  });
  const mayManage = can('profiles.manage');
  const addButton = mayManage ? (
    <Button leftSection={<IconPlus size={18} />} onClick={() => setEditing('new')}>
      {t('profiles.add')}
    </Button>
  ) : null;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('profiles.title')}</Title>
          <Text c="dimmed">{t('profiles.intro')}</Text>
        </div>
        {addButton}
      </Group>
      <ProblemAlert error={archive.error} />
      {profiles.isPending ? (
        <LoadingState />
      ) : profiles.error ? (
        <ErrorState error={profiles.error} onRetry={() => void profiles.refetch()} />
      ) : profiles.data.items.length === 0 ? (
        <EmptyState
          icon={<IconBuildingCommunity size={24} />}
          title={t('profiles.emptyTitle')}
          description={t('profiles.emptyText')}
          action={addButton}
        />
      ) : (
        <Paper withBorder>
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('profiles.columns.name')}</Table.Th>
                <Table.Th>{t('profiles.columns.status')}</Table.Th>
                <Table.Th>{t('profiles.columns.created')}</Table.Th>
                {mayManage ? <Table.Th>{t('profiles.columns.actions')}</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {profiles.data.items.map((profile) => (
                <Table.Tr key={profile.id} data-testid={`profile-${profile.name}`}>
                  <Table.Td>
                    <Text size="sm" fw={600} c={profile.archived ? 'dimmed' : undefined}>
                      {profile.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={profile.archived ? 'gray' : 'green'}>
                      {t(profile.archived ? 'profiles.statusArchived' : 'profiles.statusActive')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(profile.createdAt, i18n.language)}</Text>
                  </Table.Td>
                  {mayManage ? (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => setEditing(profile)}
                          aria-label={t('profiles.renameNamed', { name: profile.name })}
                        >
                          {t('profiles.rename')}
                        </Button>
                        <Button
                          size="xs"
                          variant="default"
                          loading={archive.isPending && archive.variables?.id === profile.id}
                          onClick={() => archive.mutate(profile)}
                          aria-label={t(profile.archived ? 'profiles.unarchiveNamed' : 'profiles.archiveNamed', {
                            name: profile.name,
                          })}
                        >
                          {t(profile.archived ? 'profiles.unarchive' : 'profiles.archive')}
                        </Button>
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {editing !== null ? (
        <ProfileModal
          accountId={accountId}
          profile={editing === 'new' ? null : editing}
          onSaved={refresh}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </Stack>
  );
}

function ProfileModal({
  accountId,
  profile,
  onSaved,
  onClose,
}: {
  accountId: string;
  profile: Profile | null;
  onSaved: () => Promise<unknown>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(profile?.name ?? '');
  const save = useMutation({
    mutationFn: () =>
      profile
        ? data(
            api.PATCH('/v1/accounts/{accountId}/profiles/{profileId}', {
              params: { path: { accountId, profileId: profile.id } },
              body: { name: name.trim() },
            }),
          )
        : data(
            api.POST('/v1/accounts/{accountId}/profiles', {
              params: { path: { accountId } },
              body: { name: name.trim() },
            }),
          ),
    onSuccess: async (saved) => {
      notifications.show({
        color: 'green',
        message: t(profile ? 'profiles.renamed' : 'profiles.added', { name: saved.name }),
      });
      await onSaved();
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={profile ? t('profiles.renameTitle') : t('profiles.addTitle')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <ProblemAlert error={save.error} shownFields={['name', 'body/name']} />
          <TextInput
            label={t('profiles.name')}
            description={t('profiles.nameHint')}
            required
            maxLength={200}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldError(save.error, 'name')}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} disabled={name.trim() === ''}>
              {profile ? t('actions.save') : t('profiles.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
