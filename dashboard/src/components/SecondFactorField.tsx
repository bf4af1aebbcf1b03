import { Anchor, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type SecondFactor = { kind: 'totp' | 'recovery'; value: string };

/** The body the API takes for a second factor: `{code}` or `{recoveryCode}`. */
export function secondFactorBody(factor: SecondFactor): { code: string } | { recoveryCode: string } {
  return factor.kind === 'totp' ? { code: factor.value.replace(/\s+/g, '') } : { recoveryCode: factor.value.trim() };
}

/** One field for a TOTP code, switchable to a recovery code (sign-in and step-up share it). */
export function SecondFactorField({
  value,
  onChange,
  error,
  autoFocus,
}: {
  value: SecondFactor;
  onChange: (next: SecondFactor) => void;
  error?: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const totp = value.kind === 'totp';
  return (
    <div>
      <TextInput
        label={totp ? t('secondFactor.totpLabel') : t('secondFactor.recoveryLabel')}
        description={totp ? t('secondFactor.totpHint') : t('secondFactor.recoveryHint')}
        placeholder={totp ? '123456' : 'abcd-efgh-jkmn-pqrs'}
        value={value.value}
        onChange={(event) => onChange({ ...value, value: event.currentTarget.value })}
        inputMode={totp ? 'numeric' : 'text'}
        autoComplete="one-time-code"
        autoFocus={autoFocus}
        error={error}
        required
        styles={{
          input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: totp ? '0.2em' : undefined },
        }}
      />
      <Anchor
        component="button"
        type="button"
        size="sm"
        mt={6}
        onClick={() => onChange({ kind: totp ? 'recovery' : 'totp', value: '' })}
      >
        {totp ? t('secondFactor.useRecovery') : t('secondFactor.useTotp')}
      </Anchor>
    </div>
  );
}
