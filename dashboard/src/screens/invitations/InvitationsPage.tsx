import { Badge, Button, Group, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMailForward, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Link } from 'react-router';
import { api, data } from '../../api/client';
import { useAccount } from '../../app/account-context';
import { ProblemAlert } from '../../components/ProblemAlert';
import { EmptyState, QueryStates } from '../../components/States';
import { formatDateTime } from '../../i18n/format';

type Invitation = Awaited<ReturnType<typeof fetchPending>>['items'][number];

function fetchPending(accountId: string) {
  return data(
    api.GET('/v1/accounts/{accountId}/invitations', {
      params: { path: { accountId }, query: { status: 'pending', limit: 200 } },
    }),
  );
}

/** Pending invitations: who was invited, when the link expires, resend or revoke. */
export default function InvitationsPage() {
  const { t, i18n } = useTranslation();
  const { membership, can } = useAccount();
  const accountId = membership.accountId;
  const queryClient = useQueryClient();
  const pending = useQuery({ queryKey: ['invitations', accountId, 'pending'], queryFn: () => fetchPending(accountId) });
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['invitations', accountId] });
  const resend = useMutation({
    mutationFn: (invitation: Invitation) =>
      data(
        api.POST('/v1/accounts/{accountId}/invitations/{invitationId}/resend', {
          params: { path: { accountId, invitationId: invitation.id } },
        }),
      ),
    onSuccess: (invitation) => {
      notifications.show({ color: 'green', message: t('invitations.resent', { email: invitation.email }) });
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (invitation: Invitation) =>
      data(
        api.DELETE('/v1/accounts/{accountId}/invitations/{invitationId}', {
          params: { path: { accountId, invitationId: invitation.id } },
        }),
      ),
    onSuccess: (_, invitation) => {
      notifications.show({ color: 'green', message: t('invitations.revoked', { email: invitation.email }) });
      setRevoking(null);
      void refresh();
    },
  });
  const mayInvite = can('users.invite');
  const inviteButton = mayInvite ? (
    <Button component={Link} to={`/accounts/${accountId}/invite`} leftSection={<IconUserPlus size={18} />}>
      {t('invitations.invite')}
    </Button>
  ) : null;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('invitations.title')}</Title>
          <Text c="dimmed">{t('invitations.intro')}</Text>
        </div>
        {inviteButton}
      </Group>
      <ProblemAlert error={resend.error} />
      <QueryStates
        query={pending}
        isEmpty={(data) => data.items.length === 0}
        empty={
          <EmptyState
            icon={<IconMailForward size={24} />}
            title={t('invitations.emptyTitle')}
            description={t('invitations.emptyDescription')}
            action={inviteButton}
          />
        }
      >
        {(data) => (
          <Paper withBorder>
            <Table verticalSpacing="sm" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('invitations.columns.email')}</Table.Th>
                  <Table.Th>{t('invitations.columns.role')}</Table.Th>
                  <Table.Th>{t('invitations.columns.invitedBy')}</Table.Th>
                  <Table.Th>{t('invitations.columns.lastSent')}</Table.Th>
                  <Table.Th>{t('invitations.columns.expires')}</Table.Th>
                  {mayInvite ? <Table.Th>{t('invitations.columns.actions')}</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((invitation) => {
                  const expired = new Date(invitation.expiresAt).getTime() < Date.now();
                  return (
                    <Table.Tr key={invitation.id} data-testid="invitation-row">
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {invitation.email}
                        </Text>
                      </Table.Td>
                      <Table.Td>{invitation.role?.name ?? t('invitations.customPermissions')}</Table.Td>
                      <Table.Td>{invitation.invitedBy.name}</Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDateTime(invitation.lastSentAt, i18n.language)}</Text>
                        {invitation.sendCount > 1 ? (
                          <Text size="xs" c="dimmed">
                            {t('invitations.sendCount', { count: invitation.sendCount })}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        {expired ? (
                          <Badge color="orange" variant="light">
                            {t('invitations.expired')}
                          </Badge>
                        ) : (
                          <Text size="sm">{formatDateTime(invitation.expiresAt, i18n.language)}</Text>
                        )}
                      </Table.Td>
                      {mayInvite ? (
                        <Table.Td>
                          <Group gap="xs" wrap="nowrap">
                            <Tooltip label={t('invitations.resendHint')}>
                              <Button
                                size="xs"
                                variant="default"
                                loading={resend.isPending && resend.variables?.id === invitation.id}
                                onClick={() => resend.mutate(invitation)}
                                aria-label={t('invitations.resendFor', { email: invitation.email })}
                              >
                                {t('invitations.resend')}
                              </Button>
                            </Tooltip>
                            <Button
                              size="xs"
                              variant="subtle"
                              color="red"
                              onClick={() => setRevoking(invitation)}
                              aria-label={t('invitations.revokeFor', { email: invitation.email })}
                            >
                              {t('invitations.revoke')}
                            </Button>
                          </Group>
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </QueryStates>
      <ConfirmDialog
        opened={revoking !== null}
        title={t('invitations.revokeTitle')}
        message={t('invitations.revokeBody', { email: revoking?.email ?? '' })}
        confirmLabel={t('invitations.revokeConfirm')}
        danger
        size="md"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
      />
    </Stack>
  );
}
