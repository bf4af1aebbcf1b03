import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '../components/PasswordField';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import { isProblem } from '../api/problem';
import { AuthLayout } from '../components/AuthLayout';
import { LinkProblem } from '../components/LinkProblem';
import { fieldError, ProblemAlert } from '../components/ProblemAlert';
import { useLinkToken } from './link-token';

/** `/password-reset`: ask for a link; `/password-reset#token=…` (the mailed link): choose a new password. */
export default function PasswordResetPage() {
  const token = useLinkToken();
  return token ? <ChooseNewPassword key={token} token={token} /> : <RequestReset />;
}

function RequestReset() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const request = useMutation({ mutationFn: () => data(api.POST('/v1/password-reset', { body: { email } })) });
  if (request.isSuccess) {
    return (
      <AuthLayout title={t('passwordReset.sentTitle')}>
        <Stack gap="md">
          <Text>{t('passwordReset.sentText', { email })}</Text>
          <Anchor component={Link} to="/sign-in" size="sm">
            {t('passwordReset.backToSignIn')}
          </Anchor>
        </Stack>
      </AuthLayout>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate();
  };
  return (
    <AuthLayout title={t('passwordReset.requestTitle')} subtitle={t('passwordReset.requestSubtitle')}>
      <form onSubmit={submit}>
        <Stack gap="md">
          <TextInput
            label={t('fields.email')}
            type="email"
            autoComplete="username"
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={fieldError(request.error, 'email')}
            required
            autoFocus
          />
          {request.error ? <ProblemAlert error={request.error} shownFields={['email']} /> : null}
          <Button type="submit" loading={request.isPending} fullWidth>
            {t('passwordReset.send')}
          </Button>
          <Text size="sm" ta="center">
            <Anchor component={Link} to="/sign-in">
              {t('passwordReset.backToSignIn')}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}

function ChooseNewPassword({ token }: { token: string }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const confirm = useMutation({
    mutationFn: () => data(api.POST('/v1/password-reset/confirm', { body: { token, newPassword: password } })),
  });

  if (confirm.isSuccess) {
    return (
      <AuthLayout title={t('passwordReset.doneTitle')}>
        <Stack gap="md">
          <Alert color="green" variant="light">
            {t('passwordReset.doneText')}
          </Alert>
          <Button component={Link} to="/sign-in">
            {t('passwordReset.signIn')}
          </Button>
        </Stack>
      </AuthLayout>
    );
  }
  if (isProblem(confirm.error, 'token.invalid')) {
    return (
      <AuthLayout title={t('passwordReset.linkInvalidTitle')}>
        <LinkProblem
          message={t('passwordReset.linkInvalidText')}
          action={{ label: t('passwordReset.requestAgain'), to: '/password-reset' }}
        />
      </AuthLayout>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== repeat);
    if (password === repeat) confirm.mutate();
  };
  return (
    <AuthLayout title={t('passwordReset.chooseTitle')} subtitle={t('passwordReset.chooseSubtitle')}>
      <form onSubmit={submit}>
        <Stack gap="md">
          <PasswordField
            label={t('fields.newPassword')}
            description={t('fields.passwordHint')}
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldError(confirm.error, 'newPassword')}
            required
            autoFocus
          />
          <PasswordField
            label={t('fields.repeatPassword')}
            autoComplete="new-password"
            value={repeat}
            onChange={(event) => setRepeat(event.currentTarget.value)}
            error={mismatch ? t('fields.passwordsDiffer') : undefined}
            required
          />
          {confirm.error && !fieldError(confirm.error, 'newPassword') ? (
            <ProblemAlert error={confirm.error} shownFields={['newPassword']} />
          ) : null}
          <Button type="submit" loading={confirm.isPending} fullWidth>
            {t('passwordReset.save')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
