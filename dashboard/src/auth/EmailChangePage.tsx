import { Button, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data } from '../api/client';
import { isProblem } from '../api/problem';
import { useResetSession } from '../api/session';
import { AuthDone } from '../components/AuthDone';
import { AuthLayout } from '../components/AuthLayout';
import { LinkProblem } from '../components/LinkProblem';
import { ProblemAlert } from '../components/ProblemAlert';
import { useLinkToken } from './link-token';

/**
 * `/email-change#token=…`, the link mailed to a new address. Confirming is a deliberate click,
 * not a page load: mail scanners open links, and must not change anyone's address.
 */
export default function EmailChangePage() {
  const token = useLinkToken();
  return <ConfirmEmailChange key={token ?? ''} token={token} />;
}

function ConfirmEmailChange({ token }: { token: string | null }) {
  const { t } = useTranslation();
  const resetSession = useResetSession();
  const confirm = useMutation({
    mutationFn: () => data(api.POST('/v1/email-change/confirm', { body: { token: token! } })),
    onSuccess: () => resetSession(),
  });

  if (!token || isProblem(confirm.error, 'token.invalid')) {
    return (
      <AuthLayout title={t('emailChange.invalidTitle')}>
        <LinkProblem
          message={t('emailChange.invalidText')}
          action={{ label: t('emailChange.toSecurity'), to: '/me/security' }}
        />
      </AuthLayout>
    );
  }
  if (confirm.isSuccess) {
    return (
      <AuthDone
        title={t('emailChange.doneTitle')}
        text={t('emailChange.doneText')}
        action={{ label: t('emailChange.continue'), to: '/' }}
      />
    );
  }
  return (
    <AuthLayout title={t('emailChange.title')}>
      <Stack gap="md">
        <Text>{t('emailChange.text')}</Text>
        <ProblemAlert error={confirm.error} />
        <Button onClick={() => confirm.mutate()} loading={confirm.isPending}>
          {t('emailChange.confirm')}
        </Button>
      </Stack>
    </AuthLayout>
  );
}
