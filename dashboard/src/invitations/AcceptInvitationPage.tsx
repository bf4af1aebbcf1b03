import { Alert, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, data, rememberCsrfToken } from '../api/client';
import { asProblem } from '../api/problem';
import { useMe, useResetSession } from '../api/session';
import { useLinkToken } from '../auth/link-token';
import { AuthLayout } from '../components/AuthLayout';
import { LinkProblem } from '../components/LinkProblem';
import { NewPasswordFields, useNewPassword } from '../components/NewPasswordFields';
import { fieldError, FormProblem, ProblemAlert } from '../components/ProblemAlert';
import { LoadingState } from '../components/States';
import { TotpEnrolment } from '../components/TotpEnrolment';
import { formatDateTime } from '../i18n/format';

/** Link problems a person can act on, each with its own page rather than an error. */
const linkProblems = ['invitation.not_found', 'invitation.expired', 'invitation.not_pending', 'token.invalid'] as const;

/**
 * `/invitations/accept#token=…`: who invited whom to which account and role; a new person
 * sets a name and password and enrols TOTP, an existing user signs in and accepts.
 */
export default function AcceptInvitationPage() {
  const { t } = useTranslation();
  const token = useLinkToken();
  const lookup = useQuery({
    queryKey: ['invitation', token],
    enabled: token !== null,
    queryFn: () => data(api.POST('/v1/invitations/lookup', { body: { token: token! } })),
    retry: false,
    staleTime: Infinity,
  });

  if (!token) return <InvitationLinkProblem code="token.invalid" />;
  if (lookup.isPending) return <LoadingState />;
  if (lookup.isError) {
    const code = asProblem(lookup.error).code;
    if ((linkProblems as readonly string[]).includes(code)) return <InvitationLinkProblem code={code} />;
    return (
      <AuthLayout title={t('invitation.title')}>
        <ProblemAlert error={lookup.error} />
      </AuthLayout>
    );
  }
  return <Accept key={token} token={token} invitation={lookup.data} />;
}

function InvitationLinkProblem({ code }: { code: string }) {
  const { t } = useTranslation();
  const key = code === 'invitation.expired' ? 'expired' : code === 'invitation.not_pending' ? 'used' : 'invalid';
  return (
    <AuthLayout title={t(`invitation.${key}Title`)}>
      <LinkProblem message={t(`invitation.${key}Text`)} action={{ label: t('invitation.toSignIn'), to: '/sign-in' }} />
    </AuthLayout>
  );
}

interface Invitation {
  accountName: string;
  inviterName: string;
  email: string;
  name: string;
  roleName: string;
  expiresAt: string;
  existingUser: boolean;
}

function Accept({ token, invitation }: { token: string; invitation: Invitation }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const resetSession = useResetSession();
  const [name, setName] = useState(invitation.name);
  const newPassword = useNewPassword();
  const [enrolling, setEnrolling] = useState<string | null>(null);

  const open = async (accountId: string) => {
    await resetSession();
    void navigate(`/accounts/${accountId}`, { replace: true });
  };
  const accept = useMutation({
    mutationFn: (body: { token: string; name?: string; password?: string }) =>
      data(api.POST('/v1/invitations/accept', { body })),
    onSuccess: async (answer) => {
      rememberCsrfToken(answer.csrfToken);
      if (answer.next === 'enrol_totp') setEnrolling(answer.accountId);
      else await open(answer.accountId);
    },
  });

  const summary = (
    <Paper withBorder p="md" bg="gray.0" radius="md" data-testid="invitation-summary">
      <Text>
        <Trans
          i18nKey="invitation.summary"
          values={{
            inviter: invitation.inviterName,
            invitee: invitation.name || invitation.email,
            account: invitation.accountName,
            role: invitation.roleName,
          }}
          components={{ b: <b /> }}
        />
      </Text>
      <Text size="sm" c="dimmed" mt={6}>
        {t('invitation.expires', { when: formatDateTime(invitation.expiresAt, i18n.language) })}
      </Text>
    </Paper>
  );

  if (enrolling) {
    return (
      <AuthLayout
        title={t('enrol.title')}
        subtitle={t('invitation.enrolSubtitle', { account: invitation.accountName })}
        width={520}
      >
        <TotpEnrolment
          onDone={() => void open(enrolling)}
          doneLabel={t('invitation.openAccount', { account: invitation.accountName })}
        />
      </AuthLayout>
    );
  }

  if (invitation.existingUser) {
    const signedInAs = me.data?.user.email;
    const sameUser = signedInAs !== undefined && signedInAs.toLowerCase() === invitation.email.toLowerCase();
    const here = `/invitations/accept#token=${token}`;
    return (
      <AuthLayout title={t('invitation.title')} width={520}>
        <Stack gap="md">
          {summary}
          {me.isPending ? (
            <LoadingState />
          ) : sameUser ? (
            <>
              <ProblemAlert error={accept.error} />
              <Button onClick={() => accept.mutate({ token })} loading={accept.isPending}>
                {t('invitation.accept')}
              </Button>
            </>
          ) : signedInAs ? (
            <Alert color="orange" variant="light" title={t('invitation.otherUserTitle')}>
              <Text size="sm">{t('invitation.otherUserText', { current: signedInAs, invited: invitation.email })}</Text>
            </Alert>
          ) : (
            <>
              <Text size="sm">{t('invitation.signInFirst', { email: invitation.email })}</Text>
              <Button component={Link} to={`/sign-in?next=${encodeURIComponent(here)}`}>
                {t('invitation.signInToAccept')}
              </Button>
            </>
          )}
        </Stack>
      </AuthLayout>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (newPassword.matches()) accept.mutate({ token, name, password: newPassword.password });
  };
  return (
    <AuthLayout title={t('invitation.title')} width={520}>
      <form onSubmit={submit}>
        <Stack gap="md">
          {summary}
          <TextInput label={t('fields.email')} value={invitation.email} readOnly variant="filled" />
          <TextInput
            label={t('fields.name')}
            autoComplete="name"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldError(accept.error, 'name')}
            required
          />
          <NewPasswordFields
            state={newPassword}
            label={t('fields.choosePassword')}
            error={fieldError(accept.error, 'password')}
          />
          <FormProblem error={accept.error} fields={['password', 'name']} />
          <Group justify="flex-end">
            <Button type="submit" loading={accept.isPending}>
              {t('invitation.acceptAndContinue')}
            </Button>
          </Group>
        </Stack>
      </form>
    </AuthLayout>
  );
}
