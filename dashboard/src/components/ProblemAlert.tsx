import { Alert, Code, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { asProblem } from '../api/problem';

/**
 * A failed request shown the same way everywhere: what went wrong in words (a translation of
 * its code when there is one, else the API's detail), the code, and any field errors no form
 * field shows. Never raw JSON.
 */
export function ProblemAlert({
  error,
  shownFields = [],
  title,
}: {
  error: unknown;
  shownFields?: readonly string[];
  title?: string;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  const problem = asProblem(error);
  const known = t(`problems.${problem.code}` as never, { defaultValue: '' }) as string;
  const message = problem.problem.detail ?? (known || problem.problem.title);
  const others = problem.otherFieldErrors(shownFields);
  return (
    <Alert
      color="red"
      variant="light"
      title={title ?? (known || t('problems.title'))}
      role="alert"
      data-problem-code={problem.code}
    >
      <Text size="sm">{message}</Text>
      {others.length > 0 && (
        <List size="sm" mt="xs">
          {others.map((fieldError) => (
            <List.Item key={fieldError.field}>
              {fieldError.field.replace(/^body\//, '')}: {fieldError.message}
            </List.Item>
          ))}
        </List>
      )}
      <Text size="xs" c="dimmed" mt="xs">
        {t('problems.code')} <Code>{problem.code}</Code>
        {problem.problem.requestId ? (
          <>
            {' · '}
            {t('problems.requestId')} <Code>{problem.problem.requestId}</Code>
          </>
        ) : null}
      </Text>
    </Alert>
  );
}

/** The error to show beside one form field, from a failed mutation. */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!error) return undefined;
  const message = asProblem(error).fieldError(field);
  // The API's messages complete the field's name ("is required"); beside the field they start a
  // sentence. The validator shouts its negations ("must NOT have fewer…"); a person reads them calmly.
  return message && (message.charAt(0).toUpperCase() + message.slice(1)).replace(/\bNOT\b/g, 'not');
}

/**
 * A form's failure, shown once: beside its fields when the API named them (see fieldError),
 * otherwise as an alert with the code and detail.
 */
export function FormProblem({ error, fields }: { error: unknown; fields: readonly string[] }) {
  if (!error || fields.some((field) => fieldError(error, field))) return null;
  return <ProblemAlert error={error} shownFields={fields} />;
}
