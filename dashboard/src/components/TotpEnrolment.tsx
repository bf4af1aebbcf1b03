import { Button, Center, Code, Group, Image, List, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data, rememberCsrfToken } from '../api/client';
import { fieldError, FormProblem, ProblemAlert } from './ProblemAlert';
import { RecoveryCodes } from './RecoveryCodes';
import { LoadingState } from './States';

/** The base32 secret inside an otpauth:// URI, for people who type it instead of scanning. */
export function secretOf(otpauthUri: string): string {
  const secret = new URL(otpauthUri).searchParams.get('secret') ?? '';
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/**
 * TOTP enrolment: the QR code (the API's SVG) and the secret as text, one code to confirm,
 * then the recovery codes once. Used by sign-in, invitations and /me/security.
 */
export function TotpEnrolment({ onDone, doneLabel }: { onDone: () => void; doneLabel?: string }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  // A POST, but it only hands out a fresh seed: run once per visit, never on refocus.
  const seed = useQuery({
    queryKey: ['totp-enrolment'],
    queryFn: () => data(api.POST('/v1/me/totp')),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
  const confirm = useMutation({
    mutationFn: () => data(api.POST('/v1/me/totp/confirm', { body: { code: code.replace(/\s+/g, '') } })),
    onSuccess: (answer) => rememberCsrfToken(answer.csrfToken),
  });

  if (confirm.data) return <RecoveryCodes codes={confirm.data.recoveryCodes} onDone={onDone} doneLabel={doneLabel} />;
  if (seed.isPending) return <LoadingState />;
  if (seed.isError) return <ProblemAlert error={seed.error} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate();
  };
  const qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(seed.data.qrCodeSvg)}`;
  return (
    <form onSubmit={submit}>
      <Stack gap="md">
        <List type="ordered" size="sm" spacing={4}>
          <List.Item>{t('enrol.stepApp')}</List.Item>
          <List.Item>{t('enrol.stepScan')}</List.Item>
          <List.Item>{t('enrol.stepCode')}</List.Item>
        </List>
        <Paper withBorder p="md" radius="md">
          <Group align="center" wrap="nowrap" gap="lg">
            <Center w={168} h={168} bg="white" style={{ flexShrink: 0 }}>
              <Image src={qr} alt={t('enrol.qrAlt')} w={160} h={160} />
            </Center>
            <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
              <Text size="sm" fw={600}>
                {t('enrol.secretLabel')}
              </Text>
              <Code block data-testid="totp-secret" fz="sm" style={{ whiteSpace: 'pre-wrap', wordSpacing: '0.2em' }}>
                {secretOf(seed.data.otpauthUri)}
              </Code>
              <Text size="xs" c="dimmed">
                {t('enrol.secretHint')}
              </Text>
            </Stack>
          </Group>
        </Paper>
        <TextInput
          label={t('enrol.codeLabel')}
          placeholder="123456"
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          error={fieldError(confirm.error, 'code')}
          required
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: '0.2em' } }}
        />
        <FormProblem error={confirm.error} fields={['code']} />
        <Button type="submit" loading={confirm.isPending}>
          {t('enrol.confirm')}
        </Button>
      </Stack>
    </form>
  );
}
