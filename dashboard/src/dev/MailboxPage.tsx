import { Accordion, Anchor, Badge, Box, Button, Container, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconMail } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import { isProblem } from '../api/problem';
import { Logo } from '../components/Logo';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { formatDateTime } from '../i18n/format';

/**
 * `/dev/mailbox`, development only: the mails the service would have sent, with their links
 * clickable, so a newcomer can invite, accept and sign in with nothing but a browser.
 */
export default function MailboxPage() {
  const { t, i18n } = useTranslation();
  const [to, setTo] = useState('');
  const [collapsed, setCollapsed] = useState<string[]>([]);
  const mails = useQuery({
    queryKey: ['dev-mailbox', to],
    queryFn: () =>
      data(api.GET('/v1/dev/mailbox', { params: { query: { limit: 100, ...(to.trim() ? { to: to.trim() } : {}) } } })),
    refetchInterval: 3_000,
    retry: false,
  });

  return (
    <Box mih="100vh" bg="gray.0">
      <Box bg="white" py="sm" px="lg" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Group justify="space-between">
          <Link to="/" style={{ color: 'inherit', textDecoration: 'none' }}>
            <Logo />
          </Link>
          <Badge color="orange" variant="light">
            {t('mailbox.devOnly')}
          </Badge>
        </Group>
      </Box>
      <Container size="md" py="xl" component="main">
        <Stack gap="lg">
          <div>
            <Title order={1}>{t('mailbox.title')}</Title>
            <Text c="dimmed" mt={4}>
              {t('mailbox.subtitle')}
            </Text>
          </div>
          <TextInput
            label={t('mailbox.filterLabel')}
            placeholder="name@example.com"
            value={to}
            onChange={(event) => setTo(event.currentTarget.value)}
            maw={360}
          />
          {mails.isPending ? (
            <LoadingState />
          ) : isProblem(mails.error, 'request.not_found') ? (
            <EmptyState
              title={t('mailbox.unavailableTitle')}
              description={t('mailbox.unavailableText')}
              icon={<IconMail size={24} />}
              action={
                <Button component={Link} to="/">
                  {t('access.backHome')}
                </Button>
              }
            />
          ) : mails.isError ? (
            <ErrorState error={mails.error} onRetry={() => void mails.refetch()} />
          ) : mails.data.items.length === 0 ? (
            <EmptyState
              title={t('mailbox.emptyTitle')}
              description={t('mailbox.emptyText')}
              icon={<IconMail size={24} />}
            />
          ) : (
            <Accordion
              variant="separated"
              radius="md"
              multiple
              // Every mail open, new ones too, unless the reader closed it.
              value={mails.data.items.filter((mail) => !collapsed.includes(mail.id)).map((mail) => mail.id)}
              onChange={(open) =>
                setCollapsed(mails.data.items.map((mail) => mail.id).filter((id) => !open.includes(id)))
              }
            >
              {mails.data.items.map((mail) => (
                <Accordion.Item key={mail.id} value={mail.id} bg="white" data-testid="mailbox-mail">
                  <Accordion.Control>
                    <Group justify="space-between" wrap="nowrap" pr="sm">
                      <div>
                        <Text fw={600} size="sm">
                          {mail.subject}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {t('mailbox.to', { to: mail.to })} · {formatDateTime(mail.createdAt, i18n.language)}
                        </Text>
                      </div>
                      <Badge
                        variant="light"
                        color={mail.status === 'failed' ? 'red' : mail.status === 'pending' ? 'gray' : 'green'}
                      >
                        {mail.status}
                      </Badge>
                    </Group>
                  </Accordion.Control>
                  <Accordion.Panel>
                    {mail.text ? (
                      <MailText text={mail.text} />
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('mailbox.noBody')}
                      </Text>
                    )}
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
            </Accordion>
          )}
        </Stack>
      </Container>
    </Box>
  );
}

/** Pages Gatehouse mails links to: opened here, on this origin, whatever PUBLIC_URL says. */
const ownPages = /^\/(invitations\/accept|password-reset|email-change|me\/security|sign-in)(?=$|[#?])/;

/** A mail's text with its links clickable; links to Gatehouse's own pages stay in this tab. */
function MailText({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', margin: 0 }}>
      {parts.map((part, index) => {
        if (!/^https?:\/\//.test(part)) return <Fragment key={index}>{part}</Fragment>;
        const url = new URL(part);
        const local = url.pathname + url.search + url.hash;
        return ownPages.test(local) ? (
          <Anchor key={index} component={Link} to={local}>
            {part}
          </Anchor>
        ) : (
          <Anchor key={index} href={part} target="_blank" rel="noreferrer">
            {part}
          </Anchor>
        );
      })}
    </Text>
  );
}
