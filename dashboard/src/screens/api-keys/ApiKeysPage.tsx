import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconCheck, IconCopy, IconKey, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { api, data } from '../../api/client';
import type { paths } from '../../api/schema';
import { useAccount } from '../../app/account-context';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import { EmptyState, QueryStates } from '../../components/States';
import { formatDateTime } from '../../i18n/format';

type ApiKey =
  paths['/v1/accounts/{accountId}/api-keys']['get']['responses']['200']['content']['application/json']['items'][number];

/** The signed-in member's own API keys: create (behind step-up, the secret shown once), list, revoke. */
export default function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  const { membership } = useAccount();
  const accountId = membership.accountId;
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  // Admins may list everyone's keys; this screen is the member's own.
  const keys = useQuery({
    queryKey: ['api-keys', accountId, membership.memberId],
    queryFn: () =>
      data(
        api.GET('/v1/accounts/{accountId}/api-keys', {
          params: { path: { accountId }, query: { memberId: membership.memberId } },
        }),
      ),
  });

  const createButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
      {t('apiKeys.create')}
    </Button>
  );
  const status = (key: ApiKey) =>
    key.revokedAt ? (
      <Badge color="gray" variant="light">
        {t('apiKeys.revoked')}
      </Badge>
    ) : key.expiresAt && new Date(key.expiresAt) < new Date() ? (
      <Badge color="orange" variant="light">
        {t('apiKeys.expired')}
      </Badge>
    ) : (
      <Badge color="green" variant="light">
        {t('apiKeys.active')}
      </Badge>
    );

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('apiKeys.title')}</Title>
          <Text c="dimmed">{t('apiKeys.intro')}</Text>
        </div>
        {keys.data && keys.data.items.length > 0 ? createButton : null}
      </Group>
      <QueryStates
        query={keys}
        isEmpty={(data) => data.items.length === 0}
        empty={
          <EmptyState
            icon={<IconKey size={24} />}
            title={t('apiKeys.emptyTitle')}
            description={t('apiKeys.emptyText')}
            action={createButton}
          />
        }
      >
        {(data) => (
          <Paper withBorder>
            <Table verticalSpacing="sm" data-testid="api-keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('apiKeys.name')}</Table.Th>
                  <Table.Th>{t('apiKeys.prefix')}</Table.Th>
                  <Table.Th>{t('apiKeys.status')}</Table.Th>
                  <Table.Th>{t('apiKeys.created')}</Table.Th>
                  <Table.Th>{t('apiKeys.lastUsed')}</Table.Th>
                  <Table.Th>{t('apiKeys.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((key) => (
                  <Table.Tr key={key.id} data-testid={`api-key-${key.name}`}>
                    <Table.Td fw={600}>{key.name}</Table.Td>
                    <Table.Td>
                      <Code>{key.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>{status(key)}</Table.Td>
                    <Table.Td>{formatDateTime(key.createdAt, i18n.language)}</Table.Td>
                    <Table.Td>
                      {key.lastUsedAt ? formatDateTime(key.lastUsedAt, i18n.language) : t('apiKeys.never')}
                    </Table.Td>
                    <Table.Td>
                      {key.revokedAt ? null : (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setRevoking(key)}
                          aria-label={t('apiKeys.revokeNamed', { name: key.name })}
                        >
                          {t('apiKeys.revoke')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </QueryStates>
      {creating ? <CreateKeyDialog onClose={() => setCreating(false)} /> : null}
      {revoking ? <RevokeKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} /> : null}
    </Stack>
  );
}

function CreateKeyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { membership } = useAccount();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/accounts/{accountId}/api-keys', {
          params: { path: { accountId: membership.accountId } },
          body: { name: name.trim(), confirm: true },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-keys', membership.accountId] }),
  });
  const created = create.data;
  return (
    <Modal
      opened
      onClose={onClose}
      zIndex={stackedBelowStepUp}
      title={created ? t('apiKeys.createdTitle') : t('apiKeys.createTitle')}
      closeOnClickOutside={!created}
      size="lg"
    >
      {created ? (
        <Stack>
          <Alert color="yellow" variant="light" title={t('apiKeys.onceTitle')}>
            {t('apiKeys.onceText')}
          </Alert>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code
              block
              data-testid="api-key-secret"
              style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
            >
              {created.key}
            </Code>
            <CopyButton value={created.key}>
              {({ copied, copy }) => (
                <Button
                  variant={copied ? 'light' : 'filled'}
                  color={copied ? 'teal' : undefined}
                  leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  onClick={copy}
                >
                  {copied ? t('apiKeys.copied') : t('apiKeys.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('apiKeys.savedIt')}</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate();
          }}
        >
          <Stack>
            <Text size="sm">{t('apiKeys.createText')}</Text>
            <TextInput
              label={t('apiKeys.name')}
              description={t('apiKeys.nameHint')}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              required
              maxLength={100}
              data-autofocus
              error={fieldError(create.error, 'name')}
            />
            <ProblemAlert error={create.error} shownFields={['name', 'body/name']} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('actions.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending} disabled={name.trim() === ''}>
                {t('apiKeys.createSubmit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function RevokeKeyDialog({ apiKey, onClose }: { apiKey: ApiKey; onClose: () => void }) {
  const { t } = useTranslation();
  const { membership } = useAccount();
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () =>
      data(
        api.DELETE('/v1/accounts/{accountId}/api-keys/{keyId}', {
          params: { path: { accountId: membership.accountId, keyId: apiKey.id } },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['api-keys', membership.accountId] });
      onClose();
    },
  });
  return (
    <ConfirmDialog
      opened
      title={t('apiKeys.revokeTitle', { name: apiKey.name })}
      message={t('apiKeys.revokeText')}
      confirmLabel={t('apiKeys.revokeConfirm')}
      danger
      size="md"
      pending={revoke.isPending}
      error={revoke.error}
      onConfirm={() => revoke.mutate()}
      onClose={onClose}
    />
  );
}

/** The shared step-up prompt (a Mantine Modal, z-index 200) must open above a dialog whose action asks for it. */
const stackedBelowStepUp = 190;
