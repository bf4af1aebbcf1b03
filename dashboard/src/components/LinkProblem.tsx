import { Button, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconLinkOff } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** An emailed link that no longer works: a plain explanation and the way forward, no error dump. */
export function LinkProblem({
  message,
  action,
}: {
  message: string;
  action?: { label: string; to: string } | ReactNode;
}) {
  return (
    <Stack gap="md" align="flex-start" data-testid="link-problem">
      <ThemeIcon color="orange" variant="light" size={44} radius="xl">
        <IconLinkOff size={24} />
      </ThemeIcon>
      <Text>{message}</Text>
      {action && typeof action === 'object' && 'to' in action ? (
        <Button component={Link} to={action.to}>
          {action.label}
        </Button>
      ) : (
        (action as ReactNode)
      )}
    </Stack>
  );
}
