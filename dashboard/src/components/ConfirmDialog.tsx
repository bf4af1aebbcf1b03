import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from './ProblemAlert';

/**
 * Every action that changes or removes something asks first, in this one dialog. It stays open
 * while the request runs (and while the shared step-up prompt asks for a code above it), and
 * shows the API's refusal in place.
 */
export function ConfirmDialog({
  opened,
  title,
  message,
  children,
  confirmLabel,
  danger,
  pending,
  error,
  shownFields,
  confirmDisabled,
  size = 'lg',
  onConfirm,
  onClose,
}: {
  opened: boolean;
  title: string;
  message?: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  pending: boolean;
  error: unknown;
  shownFields?: string[];
  confirmDisabled?: boolean;
  size?: string | number;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
        }}
      >
        <Stack gap="md">
          {message ? <Text size="sm">{message}</Text> : null}
          {children}
          <ProblemAlert error={error} shownFields={shownFields} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" color={danger ? 'red' : undefined} loading={pending} disabled={confirmDisabled}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
