import { Box, Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Logo } from './Logo';

/** The frame of every page a signed-out person sees: sign-in, emailed links, invitations. */
export function AuthLayout({
  title,
  subtitle,
  children,
  width = 440,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  width?: number;
}) {
  const { t } = useTranslation();
  return (
    <Box mih="100vh" bg="gray.0" py={48} px="md">
      <Center>
        <Stack w="100%" maw={width} gap="lg">
          <Center>
            <Logo size={32} />
          </Center>
          <Paper withBorder shadow="xs" p="xl" component="main">
            <Stack gap="lg">
              <div>
                <Title order={1} size="h2">
                  {title}
                </Title>
                {subtitle ? (
                  <Text c="dimmed" size="sm" mt={6}>
                    {subtitle}
                  </Text>
                ) : null}
              </div>
              {children}
            </Stack>
          </Paper>
          <Text size="xs" c="dimmed" ta="center">
            {t('auth.footer')}
          </Text>
        </Stack>
      </Center>
    </Box>
  );
}
