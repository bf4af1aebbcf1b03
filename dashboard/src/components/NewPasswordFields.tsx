import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PasswordField } from './PasswordField';

/**
 * A new password typed twice. `matches()` is called on submit: it flags a mismatch beside the
 * second field and says whether to send.
 */
export function useNewPassword() {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  return {
    password,
    repeat,
    mismatch,
    setPassword,
    setRepeat,
    matches(): boolean {
      setMismatch(password !== repeat);
      return password === repeat;
    },
  };
}

/** The two fields of `useNewPassword`, with the password rules as a hint and the API's error beside the first. */
export function NewPasswordFields({
  state,
  label,
  error,
  autoFocus,
}: {
  state: ReturnType<typeof useNewPassword>;
  label: string;
  error: string | undefined;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <PasswordField
        label={label}
        description={t('fields.passwordHint')}
        autoComplete="new-password"
        value={state.password}
        onChange={(event) => state.setPassword(event.currentTarget.value)}
        error={error}
        required
        autoFocus={autoFocus}
      />
      <PasswordField
        label={t('fields.repeatPassword')}
        autoComplete="new-password"
        value={state.repeat}
        onChange={(event) => state.setRepeat(event.currentTarget.value)}
        error={state.mismatch ? t('fields.passwordsDiffer') : undefined}
        required
      />
    </>
  );
}
