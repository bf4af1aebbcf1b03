import { Alert, Anchor, Button, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '../components/PasswordField';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api, data, rememberCsrfToken } from '../api/client';
import { isProblem } from '../api/problem';
import { useMe, useResetSession } from '../api/session';
import { AuthLayout } from '../components/AuthLayout';
import { EmailField } from '../components/EmailField';
import { fieldError, ProblemAlert } from '../components/ProblemAlert';
import { type SecondFactor, secondFactorBody, SecondFactorField } from '../components/SecondFactorField';
import { LoadingState } from '../components/States';
import { TotpEnrolment } from '../components/TotpEnrolment';

type Step = 'password' | 'second_factor' | 'enrol_totp';

/** Only a path on this site: `?next=https://evil.example` must not send anyone away. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** Email and password, then a TOTP or recovery code, or TOTP enrolment when the account requires it. */
export default function SignInPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const resetSession = useResetSession();
  const [step, setStep] = useState<Step>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [factor, setFactor] = useState<SecondFactor>({ kind: 'totp', value: '' });
  const [restarted, setRestarted] = useState(false);
  const next = safeNext(params.get('next'));

  const finish = async () => {
    await resetSession();
    void navigate(next, { replace: true });
  };

  const signIn = useMutation({
    mutationFn: () => data(api.POST('/v1/session', { body: { email, password } })),
    onSuccess: async (answer) => {
      rememberCsrfToken(answer.csrfToken);
      setPassword('');
      setRestarted(false);
      if (answer.next === 'done') await finish();
      else setStep(answer.next);
    },
  });
  const secondFactor = useMutation({
    mutationFn: () => data(api.POST('/v1/session/second-factor', { body: secondFactorBody(factor) })),
    onSuccess: async (answer) => {
      rememberCsrfToken(answer.csrfToken);
      await finish();
    },
    onError: (error) => {
      // Too many wrong codes ended this sign-in: start again from the password.
      if (isProblem(error, 'auth.challenge_expired') || isProblem(error, 'auth.required')) {
        setStep('password');
        setFactor({ kind: 'totp', value: '' });
        setRestarted(true);
      }
    },
  });

  if (me.isPending) return <LoadingState />;
  if (me.data && step === 'password' && !signIn.isPending) return <Navigate to={next} replace />;

  if (step === 'enrol_totp') {
    return (
      <AuthLayout title={t('enrol.title')} subtitle={t('enrol.requiredByAccount')} width={520}>
        <TotpEnrolment onDone={() => void finish()} doneLabel={t('enrol.finishSignIn')} />
      </AuthLayout>
    );
  }

  if (step === 'second_factor') {
    const submit = (event: FormEvent) => {
      event.preventDefault();
      secondFactor.mutate();
    };
    const codeError = fieldError(secondFactor.error, factor.kind === 'totp' ? 'code' : 'recoveryCode');
    return (
      <AuthLayout title={t('signIn.secondFactorTitle')} subtitle={t('signIn.secondFactorSubtitle', { email })}>
        <form onSubmit={submit}>
          <Stack gap="md">
            <SecondFactorField
              value={factor}
              onChange={setFactor}
              error={
                codeError ?? (isProblem(secondFactor.error, 'auth.invalid_code') ? t('signIn.wrongCode') : undefined)
              }
              autoFocus
            />
            {secondFactor.error && !codeError && !isProblem(secondFactor.error, 'auth.invalid_code') ? (
              <ProblemAlert error={secondFactor.error} shownFields={['code', 'recoveryCode']} />
            ) : null}
            <Button type="submit" loading={secondFactor.isPending} fullWidth>
              {t('signIn.verify')}
            </Button>
            <Anchor component="button" type="button" size="sm" onClick={() => setStep('password')}>
              {t('signIn.useAnotherAccount')}
            </Anchor>
          </Stack>
        </form>
      </AuthLayout>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  const signedOut = (location.state as { signedOut?: boolean } | null)?.signedOut;
  return (
    <AuthLayout title={t('signIn.title')} subtitle={t('signIn.subtitle')}>
      <form onSubmit={submit}>
        <Stack gap="md">
          {signedOut ? (
            <Alert color="green" variant="light">
              {t('signIn.signedOut')}
            </Alert>
          ) : null}
          {restarted ? (
            <Alert color="orange" variant="light">
              {t('signIn.restarted')}
            </Alert>
          ) : null}
          <EmailField value={email} onChange={setEmail} error={fieldError(signIn.error, 'email')} />
          <PasswordField
            label={t('fields.password')}
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldError(signIn.error, 'password')}
            required
          />
          <ProblemAlert error={signIn.error} shownFields={['email', 'password']} />
          <Button type="submit" loading={signIn.isPending} fullWidth>
            {t('signIn.submit')}
          </Button>
          <Text size="sm" ta="center">
            <Anchor component={Link} to="/password-reset">
              {t('signIn.forgot')}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
