import { Badge, Button, Checkbox, Group, Modal, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAddressBook, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { api, data } from '../../api/client';
import { useAccount } from '../../app/account-context';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import { EmptyState, QueryStates } from '../../components/States';

type Contact = Awaited<ReturnType<typeof fetchContacts>>['items'][number];
type Topic = Contact['topics'][number];
const topics: Topic[] = ['billing', 'security', 'technical', 'general'];

function fetchContacts(accountId: string) {
  return data(api.GET('/v1/accounts/{accountId}/contacts', { params: { path: { accountId } } }));
}

/** People who receive the account's emails but cannot sign in (Monarx: "add them as a Contact instead"). */
export default function ContactsPage() {
  const { t } = useTranslation();
  const { membership, can } = useAccount();
  const accountId = membership.accountId;
  const queryClient = useQueryClient();
  const contacts = useQuery({ queryKey: ['contacts', accountId], queryFn: () => fetchContacts(accountId) });
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const [removing, setRemoving] = useState<Contact | null>(null);
  const remove = useMutation({
    mutationFn: (contact: Contact) =>
      data(
        api.DELETE('/v1/accounts/{accountId}/contacts/{contactId}', {
          params: { path: { accountId, contactId: contact.id } },
        }),
      ),
    onSuccess: (_, contact) => {
      notifications.show({ color: 'green', message: t('contacts.removed', { email: contact.email }) });
      setRemoving(null);
      void queryClient.invalidateQueries({ queryKey: ['contacts', accountId] });
    },
  });
  const mayManage = can('contacts.manage');
  const addButton = mayManage ? (
    <Button leftSection={<IconPlus size={18} />} onClick={() => setEditing('new')}>
      {t('contacts.add')}
    </Button>
  ) : null;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('contacts.title')}</Title>
          <Text c="dimmed">{t('contacts.intro')}</Text>
        </div>
        {addButton}
      </Group>
      <QueryStates
        query={contacts}
        isEmpty={(data) => data.items.length === 0}
        empty={
          <EmptyState
            icon={<IconAddressBook size={24} />}
            title={t('contacts.emptyTitle')}
            description={t('contacts.emptyDescription')}
            action={addButton}
          />
        }
      >
        {(data) => (
          <Paper withBorder>
            <Table verticalSpacing="sm" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('contacts.columns.name')}</Table.Th>
                  <Table.Th>{t('contacts.columns.email')}</Table.Th>
                  <Table.Th>{t('contacts.columns.topics')}</Table.Th>
                  {mayManage ? <Table.Th>{t('contacts.columns.actions')}</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((contact) => (
                  <Table.Tr key={contact.id} data-testid="contact-row">
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {contact.name || t('contacts.noName')}
                      </Text>
                    </Table.Td>
                    <Table.Td>{contact.email}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {contact.topics.length === 0 ? (
                          <Text size="sm" c="dimmed">
                            {t('contacts.noTopics')}
                          </Text>
                        ) : (
                          contact.topics.map((topic) => (
                            <Badge key={topic} variant="light" color="gray">
                              {t(`contacts.topics.${topic}`)}
                            </Badge>
                          ))
                        )}
                      </Group>
                    </Table.Td>
                    {mayManage ? (
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => setEditing(contact)}
                            aria-label={t('contacts.editFor', { email: contact.email })}
                          >
                            {t('contacts.edit')}
                          </Button>
                          <Button
                            size="xs"
                            variant="subtle"
                            color="red"
                            onClick={() => setRemoving(contact)}
                            aria-label={t('contacts.removeFor', { email: contact.email })}
                          >
                            {t('contacts.remove')}
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
      </QueryStates>
      {editing !== null ? (
        <ContactModal
          accountId={accountId}
          contact={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      ) : null}
      <ConfirmDialog
        opened={removing !== null}
        title={t('contacts.removeTitle')}
        message={t('contacts.removeBody', { email: removing?.email ?? '' })}
        confirmLabel={t('contacts.removeConfirm')}
        danger
        size="md"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
      />
    </Stack>
  );
}

function ContactModal({
  accountId,
  contact,
  onClose,
}: {
  accountId: string;
  contact: Contact | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(contact?.email ?? '');
  const [name, setName] = useState(contact?.name ?? '');
  const [chosen, setChosen] = useState<Topic[]>(contact?.topics ?? []);
  const save = useMutation({
    mutationFn: () => {
      const body = { email: email.trim(), name: name.trim(), topics: chosen };
      return contact
        ? data(
            api.PATCH('/v1/accounts/{accountId}/contacts/{contactId}', {
              params: { path: { accountId, contactId: contact.id } },
              body,
            }),
          )
        : data(api.POST('/v1/accounts/{accountId}/contacts', { params: { path: { accountId } }, body }));
    },
    onSuccess: (saved) => {
      notifications.show({
        color: 'green',
        message: t(contact ? 'contacts.saved' : 'contacts.added', { email: saved.email }),
      });
      void queryClient.invalidateQueries({ queryKey: ['contacts', accountId] });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={contact ? t('contacts.editTitle') : t('contacts.addTitle')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <ProblemAlert error={save.error} shownFields={['email', 'name', 'topics']} />
          <TextInput
            label={t('contacts.email')}
            type="email"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={fieldError(save.error, 'email')}
            data-autofocus
          />
          <TextInput
            label={t('contacts.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldError(save.error, 'name')}
          />
          <Checkbox.Group
            label={t('contacts.topicsLabel')}
            description={t('contacts.topicsHelp')}
            value={chosen}
            onChange={(value) => setChosen(value as Topic[])}
            error={fieldError(save.error, 'topics')}
          >
            <Group mt="xs">
              {topics.map((topic) => (
                <Checkbox key={topic} value={topic} label={t(`contacts.topics.${topic}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('contacts.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {contact ? t('contacts.save') : t('contacts.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
