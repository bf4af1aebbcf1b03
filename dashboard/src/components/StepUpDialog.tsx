import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data, rememberCsrfToken } from '../api/client';
import { fieldError, ProblemAlert } from './ProblemAlert';
import { type SecondFactor, secondFactorBody, SecondFactorField } from './SecondFactorField';

/** The step-up prompt's dialog (see StepUpProvider): a TOTP or recovery code, then `onFinish(true)`. */
export default function StepUpDialog({ opened, onFinish }: { opened: boolean; onFinish: (done: boolean) => void }) {
  const { t } = useTranslation();
  const [factor, setFactor] = useState<SecondFactor>({ kind: 'totp', value: '' });

  const stepUp = useMutation({
    mutationFn: (value: SecondFactor) => data(api.POST('/v1/me/step-up', { body: secondFactorBody(value) })),
    onSuccess: (answer) => {
      rememberCsrfToken(answer.csrfToken);
      onFinish(true);
    },
  });
  const { reset } = stepUp;
  // Each prompt starts empty, without the last one's error.
  useEffect(() => {
    if (opened) {
      setFactor({ kind: 'totp', value: '' });
      reset();
    }
  }, [opened, reset]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    stepUp.mutate(factor);
  };

  const codeError = fieldError(stepUp.error, factor.kind === 'totp' ? 'code' : 'recoveryCode');
  // zIndex: above any confirmation dialog (Mantine's default is 200) whose request asked for the step-up.
  return (
    <Modal opened={opened} onClose={() => onFinish(false)} title={t('stepUp.title')} size="md" zIndex={300}>
      <form onSubmit={submit}>
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t('stepUp.explanation')}
          </Text>
          <SecondFactorField value={factor} onChange={setFactor} error={codeError} autoFocus />
          {stepUp.error && !codeError ? (
            <ProblemAlert error={stepUp.error} shownFields={['code', 'recoveryCode']} />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onFinish(false)}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={stepUp.isPending}>
              {t('stepUp.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
