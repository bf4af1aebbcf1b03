import { Anchor, Button, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import { isProblem } from '../api/problem';
import { AuthDone } from '../components/AuthDone';
import { AuthLayout } from '../components/AuthLayout';
import { EmailField } from '../components/EmailField';
import { LinkProblem } from '../components/LinkProblem';
import { NewPasswordFields, useNewPassword } from '../components/NewPasswordFields';
import { fieldError, FormProblem, ProblemAlert } from '../components/ProblemAlert';
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
          <EmailField value={email} onChange={setEmail} error={fieldError(request.error, 'email')} />
          <ProblemAlert error={request.error} shownFields={['email']} />
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
  const newPassword = useNewPassword();
  const confirm = useMutation({
    mutationFn: () =>
      data(api.POST('/v1/password-reset/confirm', { body: { token, newPassword: newPassword.password } })),
  });

  if (confirm.isSuccess) {
    return (
      <AuthDone
        title={t('passwordReset.doneTitle')}
        text={t('passwordReset.doneText')}
        action={{ label: t('passwordReset.signIn'), to: '/sign-in' }}
      />
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
    if (newPassword.matches()) confirm.mutate();
  };
  return (
    <AuthLayout title={t('passwordReset.chooseTitle')} subtitle={t('passwordReset.chooseSubtitle')}>
      <form onSubmit={submit}>
        <Stack gap="md">
          <NewPasswordFields
            state={newPassword}
            label={t('fields.newPassword')}
            error={fieldError(confirm.error, 'newPassword')}
            autoFocus
          />
          <FormProblem error={confirm.error} fields={['newPassword']} />
          <Button type="submit" loading={confirm.isPending} fullWidth>
            {t('passwordReset.save')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
