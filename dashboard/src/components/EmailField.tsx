import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The email a person signs in with: typed first on a signed-out page, so it takes the focus. */
export function EmailField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (email: string) => void;
  error: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={t('fields.email')}
      type="email"
      autoComplete="username"
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={error}
      required
      autoFocus
    />
  );
}
