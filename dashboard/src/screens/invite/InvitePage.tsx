import {
  Alert,
  Anchor,
  Button,
  Group,
  MultiSelect,
  Paper,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, data } from '../../api/client';
import { useAccount } from '../../app/account-context';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import { ErrorState, LoadingState } from '../../components/States';
import { BulkUpload } from './BulkUpload';
import { NewRoleModal } from './NewRoleModal';
import { useInviteOptions } from './options';
import { everythingGrantable, type Grant } from '../../permissions/catalog';
import { PermissionPicker } from '../../permissions/PermissionPicker';

type AccessChoice = 'role' | 'all' | 'choose';

function splitEmails(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((email) => email.trim())
        .filter(Boolean),
    ),
  ];
}

/** Invite one or several people by email, or many from a CSV. */
export default function InvitePage() {
  const { t } = useTranslation();
  const { membership } = useAccount();
  const accountId = membership.accountId;
  const options = useInviteOptions(membership);
  const base = `/accounts/${accountId}`;
  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Anchor component={Link} to={`${base}/invitations`} size="sm">
          {t('invite.backToInvitations')}
        </Anchor>
        <Title order={1}>{t('invite.title')}</Title>
        <Text c="dimmed">{t('invite.intro')}</Text>
      </div>
      {options.error ? (
        <ErrorState error={options.error} onRetry={options.refetch} />
      ) : options.loading ? (
        <LoadingState />
      ) : (
        <Tabs defaultValue="form" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="form">{t('invite.tabs.form')}</Tabs.Tab>
            <Tabs.Tab value="bulk">{t('invite.tabs.bulk')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="form" pt="md">
            <InviteForm options={options} />
          </Tabs.Panel>
          <Tabs.Panel value="bulk" pt="md">
            <Paper withBorder p="lg">
              <BulkUpload accountId={accountId} />
            </Paper>
          </Tabs.Panel>
        </Tabs>
      )}
    </Stack>
  );
}

function InviteForm({ options }: { options: ReturnType<typeof useInviteOptions> }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { membership } = useAccount();
  const accountId = membership.accountId;
  const catalog = options.catalog!;
  const permissions = options.permissions!;
  const [emailText, setEmailText] = useState('');
  const [name, setName] = useState('');
  const [choice, setChoice] = useState<AccessChoice>('role');
  const [roleId, setRoleId] = useState<string | null>(null);
  const [grants, setGrants] = useState<Grant[]>([]);
  const [profileIds, setProfileIds] = useState<string[]>([]);
  const [resources, setResources] = useState<Record<string, string[]>>({});
  const [flags, setFlags] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(catalog.flags.map((flag) => [flag.key, flag.default])),
  );
  const [identity, setIdentity] = useState({ idType: '', idNumber: '', phone: '' });
  const [newRoleOpen, setNewRoleOpen] = useState(false);
  const [results, setResults] = useState<{ email: string; error?: unknown }[]>([]);

  // A flag can be switched on only by someone who has it on (PRODUCT rule 2).
  const self = useQuery({
    queryKey: ['member', accountId, membership.memberId],
    enabled: !permissions.isOwner,
    queryFn: () =>
      data(
        api.GET('/v1/accounts/{accountId}/members/{memberId}', {
          params: { path: { accountId, memberId: membership.memberId } },
        }),
      ),
  });
  const mayTurnOn = (flag: string) => permissions.isOwner || self.data?.flags[flag] === true;
  const limitedToProfiles = !permissions.isOwner && permissions.profileIds !== null;

  const emails = splitEmails(emailText);
  const single = emails.length <= 1;
  const roles = (options.roles ?? []).filter((role) => role.assignable);
  const profiles = (options.profiles ?? []).filter((profile) => !profile.archived);
  const resourceTypes = catalog.resourceTypes.filter(
    (type) =>
      type.assignableBeforeActivation && (options.resources ?? []).some((resource) => resource.type === type.key),
  );

  const send = useMutation({
    mutationFn: async () => {
      const access =
        choice === 'role'
          ? { roleId: roleId ?? '' }
          : { permissions: choice === 'all' ? everythingGrantable(catalog, permissions) : grants };
      const trimmedIdentity = Object.fromEntries(
        Object.entries(identity)
          .filter(([, value]) => value.trim() !== '')
          .map(([key, value]) => [key, value.trim()]),
      );
      const chosenResources = Object.fromEntries(Object.entries(resources).filter(([, ids]) => ids.length > 0));
      const outcome: { email: string; error?: unknown }[] = [];
      // One request per address: each person's invitation succeeds or fails on its own.
      for (const email of emails) {
        try {
          await data(
            api.POST('/v1/accounts/{accountId}/invitations', {
              params: { path: { accountId } },
              body: {
                email,
                ...access,
                ...(single && name.trim() ? { name: name.trim() } : {}),
                ...(single && Object.keys(trimmedIdentity).length > 0 ? { identity: trimmedIdentity } : {}),
                ...(profileIds.length > 0 ? { profileIds } : {}),
                ...(Object.keys(chosenResources).length > 0 ? { resources: chosenResources } : {}),
                flags,
              },
            }),
          );
          outcome.push({ email });
        } catch (error) {
          outcome.push({ email, error });
        }
      }
      return outcome;
    },
    onSuccess: (outcome) => {
      setResults(outcome);
      void queryClient.invalidateQueries({ queryKey: ['invitations', accountId] });
      void queryClient.invalidateQueries({ queryKey: ['accounts', accountId, 'members'] });
      // Keep only the addresses that failed, so they can be corrected and sent again.
      setEmailText(
        outcome
          .filter((result) => result.error)
          .map((result) => result.email)
          .join('\n'),
      );
    },
  });
  const sent = results.filter((result) => !result.error);
  const failed = results.filter((result) => result.error);
  const singleError = failed.length === 1 && results.length === 1 ? failed[0].error : undefined;
  const canSubmit =
    emails.length > 0 &&
    (choice !== 'role' || roleId) &&
    (choice !== 'choose' || grants.length > 0) &&
    (!limitedToProfiles || profileIds.length > 0);

  return (
    <>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate();
        }}
      >
        <Stack gap="lg">
          {sent.length > 0 ? (
            <Alert
              color="green"
              variant="light"
              role="status"
              title={t('invite.sent', { count: sent.length })}
              data-testid="invite-sent"
            >
              {sent.map((result) => result.email).join(', ')}
            </Alert>
          ) : null}
          {singleError ? <ProblemAlert error={singleError} shownFields={['email', 'name', 'identity']} /> : null}
          {failed.length > 0 && !singleError
            ? failed.map((result) => (
                <ProblemAlert
                  key={result.email}
                  error={result.error}
                  title={t('invite.failedFor', { email: result.email })}
                />
              ))
            : null}

          <Paper withBorder p="lg">
            <Stack>
              <Title order={2} size="h4">
                {t('invite.who')}
              </Title>
              <Textarea
                label={t('invite.emails')}
                description={t('invite.emailsHelp')}
                required
                autosize
                minRows={2}
                value={emailText}
                onChange={(event) => setEmailText(event.currentTarget.value)}
                error={singleError ? fieldError(singleError, 'email') : undefined}
              />
              {single ? (
                <>
                  <TextInput
                    label={t('invite.name')}
                    value={name}
                    onChange={(event) => setName(event.currentTarget.value)}
                    error={singleError ? fieldError(singleError, 'name') : undefined}
                  />
                  <SimpleGrid cols={3}>
                    <TextInput
                      label={t('invite.idType')}
                      placeholder={t('invite.idTypePlaceholder')}
                      value={identity.idType}
                      onChange={(event) => setIdentity({ ...identity, idType: event.currentTarget.value })}
                      error={singleError ? fieldError(singleError, 'identity/idType') : undefined}
                    />
                    <TextInput
                      label={t('invite.idNumber')}
                      value={identity.idNumber}
                      onChange={(event) => setIdentity({ ...identity, idNumber: event.currentTarget.value })}
                      error={singleError ? fieldError(singleError, 'identity/idNumber') : undefined}
                    />
                    <TextInput
                      label={t('invite.phone')}
                      type="tel"
                      value={identity.phone}
                      onChange={(event) => setIdentity({ ...identity, phone: event.currentTarget.value })}
                      error={singleError ? fieldError(singleError, 'identity/phone') : undefined}
                    />
                  </SimpleGrid>
                </>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('invite.severalHint', { count: emails.length })}
                </Text>
              )}
            </Stack>
          </Paper>

          <Paper withBorder p="lg">
            <Stack>
              <Title order={2} size="h4">
                {t('invite.access')}
              </Title>
              <Radio.Group
                value={choice}
                onChange={(value) => setChoice(value as AccessChoice)}
                label={t('invite.accessLabel')}
              >
                <Group mt="xs" gap="xl">
                  <Radio value="role" label={t('invite.choice.role')} />
                  <Radio value="all" label={t('invite.choice.all')} />
                  <Radio value="choose" label={t('invite.choice.choose')} />
                </Group>
              </Radio.Group>
              {choice === 'role' ? (
                <Group align="flex-end">
                  <Select
                    label={t('invite.role')}
                    placeholder={t('invite.rolePlaceholder')}
                    data={roles.map((role) => ({ value: role.id, label: role.name }))}
                    value={roleId}
                    onChange={setRoleId}
                    w={320}
                    searchable
                  />
                  <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setNewRoleOpen(true)}>
                    {t('invite.newRole.open')}
                  </Button>
                </Group>
              ) : null}
              {choice === 'all' ? (
                <Text size="sm" c="dimmed">
                  {t('invite.allHint', { count: everythingGrantable(catalog, permissions).length })}
                </Text>
              ) : null}
              {choice === 'choose' ? (
                <PermissionPicker
                  catalog={catalog}
                  holder={permissions}
                  value={grants}
                  onChange={setGrants}
                  label={t('invite.permissions.label')}
                  maxHeight={480}
                />
              ) : null}
            </Stack>
          </Paper>

          <Paper withBorder p="lg">
            <Stack>
              <Title order={2} size="h4">
                {t('invite.limits')}
              </Title>
              {profiles.length > 0 ? (
                <MultiSelect
                  label={t('invite.profiles')}
                  description={limitedToProfiles ? t('invite.profilesRequired') : t('invite.profilesHelp')}
                  required={limitedToProfiles}
                  data={profiles.map((profile) => ({ value: profile.id, label: profile.name }))}
                  value={profileIds}
                  onChange={setProfileIds}
                  searchable
                />
              ) : null}
              {resourceTypes.map((type) => (
                <MultiSelect
                  key={type.key}
                  label={t('invite.resourceLimit', { type: type.name })}
                  description={type.newMembers === 'all' ? t('invite.resourceAll') : t('invite.resourceNone')}
                  data={(options.resources ?? [])
                    .filter((resource) => resource.type === type.key)
                    .map((resource) => ({ value: resource.id, label: resource.name }))}
                  value={resources[type.key] ?? []}
                  onChange={(ids) => setResources({ ...resources, [type.key]: ids })}
                  searchable
                />
              ))}
              {profiles.length === 0 && resourceTypes.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('invite.noLimits')}
                </Text>
              ) : null}
              <Stack gap="xs">
                {catalog.flags.map((flag) => (
                  <Switch
                    key={flag.key}
                    label={flag.name}
                    checked={flags[flag.key] ?? false}
                    disabled={!flags[flag.key] && !mayTurnOn(flag.key)}
                    onChange={(event) => setFlags({ ...flags, [flag.key]: event.currentTarget.checked })}
                  />
                ))}
              </Stack>
            </Stack>
          </Paper>

          <ProblemAlert error={send.error} />
          <Group>
            <Button type="submit" size="md" loading={send.isPending} disabled={!canSubmit}>
              {t('invite.submit', { count: Math.max(emails.length, 1) })}
            </Button>
          </Group>
        </Stack>
      </form>
      <NewRoleModal
        accountId={accountId}
        opened={newRoleOpen}
        onClose={() => setNewRoleOpen(false)}
        catalog={catalog}
        permissions={permissions}
        onCreated={(role) => {
          setChoice('role');
          setRoleId(role.id);
          setNewRoleOpen(false);
        }}
      />
    </>
  );
}
