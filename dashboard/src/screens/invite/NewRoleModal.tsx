import { Button, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import type { useInviteOptions } from './options';
import type { Grant } from '../../permissions/catalog';
import { PermissionPicker } from '../../permissions/PermissionPicker';

type Options = ReturnType<typeof useInviteOptions>;

/** Creates a custom role without leaving the invite form; the new role is then selected there. */
export function NewRoleModal({
  accountId,
  opened,
  onClose,
  onCreated,
  catalog,
  permissions,
}: {
  accountId: string;
  opened: boolean;
  onClose: () => void;
  onCreated: (role: { id: string; name: string }) => void;
  catalog: NonNullable<Options['catalog']>;
  permissions: NonNullable<Options['permissions']>;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [grants, setGrants] = useState<Grant[]>([]);
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/accounts/{accountId}/roles', {
          params: { path: { accountId } },
          body: { name: name.trim(), description: description.trim() || undefined, permissions: grants },
        }),
      ),
    onSuccess: async (role) => {
      await queryClient.invalidateQueries({ queryKey: ['roles', accountId] });
      onCreated(role);
      setName('');
      setDescription('');
      setGrants([]);
      create.reset();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('invite.newRole.title')} size="xl">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          // React bubbles events through portals: the invite form behind must not submit too.
          event.stopPropagation();
          create.mutate();
        }}
      >
        <Stack>
          <ProblemAlert error={create.error} shownFields={['name', 'description']} />
          <TextInput
            label={t('invite.newRole.name')}
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldError(create.error, 'name')}
          />
          <Textarea
            label={t('invite.newRole.description')}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            error={fieldError(create.error, 'description')}
            autosize
            minRows={2}
          />
          <PermissionPicker
            catalog={catalog}
            holder={permissions}
            value={grants}
            onChange={setGrants}
            label={t('invite.newRole.permissions')}
            maxHeight={440}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('invite.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={grants.length === 0 || !name.trim()}>
              {t('invite.newRole.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
