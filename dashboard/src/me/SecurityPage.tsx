import { Alert, Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { PasswordField } from '../components/PasswordField';
import { api, data } from '../api/client';
import { isProblem } from '../api/problem';
import { meQueryKey, useMe } from '../api/session';
import { fieldError, FormProblem, ProblemAlert } from '../components/ProblemAlert';
import { RecoveryCodes } from '../components/RecoveryCodes';
import { ErrorState, LoadingState } from '../components/States';
import { TotpEnrolment } from '../components/TotpEnrolment';
import { formatDateTime } from '../i18n/format';
import { describeUserAgent } from './user-agent';

/** `/me/security` (linked from every security mail): your name, email, password, 2FA and sessions. */
export default function SecurityPage() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return <LoadingState />;
  if (me.isError || !me.data) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t('security.title')}</Title>
        <Text c="dimmed" mt={4}>
          {t('security.subtitle')}
        </Text>
      </div>
      <ProfileCard name={me.data.user.name} email={me.data.user.email} />
      <PasswordCard />
      <TwoFactorCard enabled={me.data.user.twoFactorEnabled} />
      <SessionsCard />
    </Stack>
  );
}

function ProfileCard({ name: current, email }: { name: string; email: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState(current);
  const [newEmail, setNewEmail] = useState('');
  const rename = useMutation({
    mutationFn: () => data(api.PATCH('/v1/me', { body: { name } })),
    onSuccess: (answer) => {
      queryClient.setQueryData(meQueryKey, answer);
      notifications.show({ color: 'green', message: t('security.nameSaved') });
    },
  });
  const changeEmail = useMutation({
    mutationFn: () => data(api.POST('/v1/me/email-change', { body: { newEmail, confirm: true } })),
  });
  return (
    <Card padding="lg">
      <Title order={2} mb="md">
        {t('security.profile')}
      </Title>
      <Stack gap="lg">
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            rename.mutate();
          }}
        >
          <Group align="flex-end" gap="sm">
            <TextInput
              label={t('fields.name')}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={fieldError(rename.error, 'name')}
              required
              w={360}
            />
            <Button type="submit" variant="default" loading={rename.isPending} disabled={name === current}>
              {t('actions.save')}
            </Button>
          </Group>
          <FormProblem error={rename.error} fields={['name']} />
        </form>
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            changeEmail.mutate();
          }}
        >
          <Text size="sm" fw={500}>
            {t('fields.email')}
          </Text>
          <Text size="sm" mb="xs" data-testid="current-email">
            {email}
          </Text>
          <Group align="flex-end" gap="sm">
            <TextInput
              label={t('security.newEmail')}
              type="email"
              value={newEmail}
              onChange={(event) => setNewEmail(event.currentTarget.value)}
              error={fieldError(changeEmail.error, 'newEmail')}
              required
              w={360}
            />
            <Button type="submit" variant="default" loading={changeEmail.isPending}>
              {t('security.sendConfirmation')}
            </Button>
          </Group>
          {changeEmail.isSuccess ? (
            <Alert color="green" variant="light" mt="sm">
              {t('security.emailChangeSent', { email: newEmail })}
            </Alert>
          ) : null}
          <FormProblem error={changeEmail.error} fields={['newEmail']} />
        </form>
      </Stack>
    </Card>
  );
}

function PasswordCard() {
  const { t } = useTranslation();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: () => data(api.PUT('/v1/me/password', { body: { currentPassword, newPassword } })),
    onSuccess: () => {
      setCurrent('');
      setNew('');
      // The other sessions just ended: the list below must not keep showing them.
      void queryClient.invalidateQueries({ queryKey: sessionsKey });
      notifications.show({ color: 'green', message: t('security.passwordChanged') });
    },
  });
  // A wrong current password is about that field: say so beside it, not in a banner.
  const currentPasswordError =
    fieldError(change.error, 'currentPassword') ??
    (isProblem(change.error, 'auth.invalid_credentials') ? t('security.wrongCurrentPassword') : undefined);
  return (
    <Card padding="lg">
      <Title order={2}>{t('security.password')}</Title>
      <Text size="sm" c="dimmed" mb="md">
        {t('security.passwordHint')}
      </Text>
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          change.mutate();
        }}
      >
        <Stack gap="sm" maw={360}>
          <PasswordField
            label={t('fields.currentPassword')}
            autoComplete="current-password"
            value={currentPassword}
            onChange={(event) => setCurrent(event.currentTarget.value)}
            error={currentPasswordError}
            required
          />
          <PasswordField
            label={t('fields.newPassword')}
            description={t('fields.passwordHint')}
            autoComplete="new-password"
            value={newPassword}
            onChange={(event) => setNew(event.currentTarget.value)}
            error={fieldError(change.error, 'newPassword')}
            required
          />
          {currentPasswordError ? null : (
            <FormProblem error={change.error} fields={['newPassword', 'currentPassword']} />
          )}
          <div>
            <Button type="submit" variant="default" loading={change.isPending}>
              {t('security.changePassword')}
            </Button>
          </div>
        </Stack>
      </form>
    </Card>
  );
}

function TwoFactorCard({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [enrolling, setEnrolling] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  const refreshMe = () => queryClient.invalidateQueries({ queryKey: meQueryKey });
  const regenerate = useMutation({
    mutationFn: () => data(api.POST('/v1/me/recovery-codes', { body: { confirm: true } })),
  });
  const reset = useMutation({
    mutationFn: () => data(api.DELETE('/v1/me/totp', { body: { confirm: true } })),
    onSuccess: async () => {
      setConfirmReset(false);
      await Promise.all([refreshMe(), queryClient.invalidateQueries({ queryKey: sessionsKey })]);
    },
  });
  return (
    <Card padding="lg">
      <Group justify="space-between" mb="xs">
        <Title order={2}>{t('security.twoFactor')}</Title>
        <Badge color={enabled ? 'green' : 'orange'} variant="light" data-testid="two-factor-status">
          {enabled ? t('security.twoFactorOn') : t('security.twoFactorOff')}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {t('security.twoFactorHint')}
      </Text>
      {regenerate.data ? (
        <RecoveryCodes
          codes={regenerate.data.recoveryCodes}
          onDone={() => regenerate.reset()}
          doneLabel={t('actions.done')}
        />
      ) : !enabled && enrolling ? (
        <TotpEnrolment
          onDone={() => {
            setEnrolling(false);
            void refreshMe();
          }}
          doneLabel={t('actions.done')}
        />
      ) : !enabled ? (
        <div>
          <Button onClick={() => setEnrolling(true)}>{t('security.setUpTwoFactor')}</Button>
        </div>
      ) : (
        <Stack gap="sm">
          <ProblemAlert error={regenerate.error} />
          <Group gap="sm">
            <Button variant="default" onClick={() => regenerate.mutate()} loading={regenerate.isPending}>
              {t('security.newRecoveryCodes')}
            </Button>
            <Button variant="subtle" color="red" onClick={() => setConfirmReset(true)}>
              {t('security.resetTwoFactor')}
            </Button>
          </Group>
        </Stack>
      )}
      <ConfirmDialog
        opened={confirmReset}
        title={t('security.resetTwoFactorTitle')}
        message={t('security.resetTwoFactorText')}
        confirmLabel={t('security.resetTwoFactor')}
        danger
        size="md"
        pending={reset.isPending}
        error={reset.error}
        onConfirm={() => reset.mutate()}
        onClose={() => setConfirmReset(false)}
      />
    </Card>
  );
}

const sessionsKey = ['me', 'sessions'] as const;

function SessionsCard() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: sessionsKey, queryFn: () => data(api.GET('/v1/me/sessions')) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: sessionsKey });
  const revoke = useMutation({
    mutationFn: (sessionId: string) =>
      data(api.DELETE('/v1/me/sessions/{sessionId}', { params: { path: { sessionId } } })),
    onSuccess: refresh,
  });
  const revokeOthers = useMutation({ mutationFn: () => data(api.DELETE('/v1/me/sessions')), onSuccess: refresh });
  return (
    <Card padding="lg">
      <Group justify="space-between" mb="md">
        <Title order={2}>{t('security.sessions')}</Title>
        <Button
          variant="default"
          size="sm"
          onClick={() => revokeOthers.mutate()}
          loading={revokeOthers.isPending}
          disabled={(sessions.data?.items.length ?? 0) < 2}
        >
          {t('security.signOutOthers')}
        </Button>
      </Group>
      {sessions.isPending ? (
        <LoadingState />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <Table verticalSpacing="sm" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('security.device')}</Table.Th>
              <Table.Th>{t('security.ip')}</Table.Th>
              <Table.Th>{t('security.lastSeen')}</Table.Th>
              <Table.Th aria-label={t('security.actions')} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sessions.data.items.map((session) => (
              <Table.Tr key={session.id} data-testid="session-row">
                <Table.Td>
                  <Text size="sm" fw={500} title={session.userAgent ?? undefined}>
                    {describeUserAgent(session.userAgent) ?? t('security.unknownDevice')}
                  </Text>
                  {session.current ? (
                    <Badge size="xs" variant="light" mt={4}>
                      {t('security.thisSession')}
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{session.ip ?? '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(session.lastSeenAt, i18n.language)}</Text>
                </Table.Td>
                <Table.Td ta="right">
                  {!session.current ? (
                    <Button variant="subtle" color="red" size="xs" onClick={() => revoke.mutate(session.id)}>
                      {t('security.revoke')}
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
