import { Alert, Button, Stack } from '@mantine/core';
import { Link } from 'react-router';
import { AuthLayout } from './AuthLayout';

/** An emailed link's job is done: what happened, and the one way onward. */
export function AuthDone({
  title,
  text,
  action,
}: {
  title: string;
  text: string;
  action: { label: string; to: string };
}) {
  return (
    <AuthLayout title={title}>
      <Stack gap="md">
        <Alert color="green" variant="light" role="status">
          {text}
        </Alert>
        <Button component={Link} to={action.to}>
          {action.label}
        </Button>
      </Stack>
    </AuthLayout>
  );
}
