import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data, rememberCsrfToken, setStepUpHandler } from '../api/client';
import { fieldError, ProblemAlert } from './ProblemAlert';
import { type SecondFactor, secondFactorBody, SecondFactorField } from './SecondFactorField';

/**
 * The one step-up prompt. When any request answers `auth.step_up_required`, the API client
 * waits here: the person enters a TOTP or recovery code, the session is stepped up, and the
 * client sends the original request again, so nobody retypes a form.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [factor, setFactor] = useState<SecondFactor>({ kind: 'totp', value: '' });
  // Several requests may need the step-up at once: they all wait for the same answer.
  const pending = useRef<{ promise: Promise<boolean>; resolve: (done: boolean) => void } | null>(null);

  useEffect(() => {
    setStepUpHandler(() => {
      if (!pending.current) {
        let resolve!: (done: boolean) => void;
        const promise = new Promise<boolean>((r) => (resolve = r));
        pending.current = { promise, resolve };
        setFactor({ kind: 'totp', value: '' });
        setOpen(true);
      }
      return pending.current.promise;
    });
    return () => setStepUpHandler(undefined);
  }, []);

  const finish = (done: boolean) => {
    pending.current?.resolve(done);
    pending.current = null;
    setOpen(false);
    stepUp.reset();
  };

  const stepUp = useMutation({
    mutationFn: (value: SecondFactor) => data(api.POST('/v1/me/step-up', { body: secondFactorBody(value) })),
    onSuccess: (answer) => {
      rememberCsrfToken(answer.csrfToken);
      finish(true);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    stepUp.mutate(factor);
  };

  const codeError = fieldError(stepUp.error, factor.kind === 'totp' ? 'code' : 'recoveryCode');
  return (
    <>
      {children}
      {/* Above any confirmation dialog (Mantine's default is 200) whose request asked for the step-up. */}
      <Modal opened={open} onClose={() => finish(false)} title={t('stepUp.title')} size="md" zIndex={300}>
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
              <Button variant="default" onClick={() => finish(false)}>
                {t('actions.cancel')}
              </Button>
              <Button type="submit" loading={stepUp.isPending}>
                {t('stepUp.confirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
