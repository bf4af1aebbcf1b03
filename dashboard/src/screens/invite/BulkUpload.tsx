import { Alert, Badge, Button, FileInput, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { IconFileSpreadsheet } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';

/** A naive split for the preview only; the API parses the CSV properly and names each bad line. */
function previewRows(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(',').map((cell) => cell.trim().replace(/^"|"$/g, '')));
}

/**
 * Bulk invitations from a CSV (email,role[,profiles][,name]). Every row is valid or nobody is
 * invited: a refused upload shows each row with its own error beside it.
 */
export function BulkUpload({ accountId }: { accountId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const upload = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/accounts/{accountId}/invitations/bulk', {
          params: { path: { accountId } },
          // The route takes text/csv, which the generated types cannot describe as a body.
          ...({
            body: text,
            bodySerializer: (body: string) => body,
            headers: { 'content-type': 'text/csv' },
          } as object),
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invitations', accountId] }),
  });
  const rows = previewRows(text);
  const [header, ...body] = rows;
  const lineErrors = new Map<number, string[]>();
  for (const error of upload.error ? (asProblem(upload.error).problem.errors ?? []) : []) {
    const line = /^line (\d+)$/.exec(error.field)?.[1];
    if (line) lineErrors.set(Number(line), [...(lineErrors.get(Number(line)) ?? []), error.message]);
  }
  const shownFields = [...lineErrors.keys()].map((line) => `line ${line}`);
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('invite.bulk.help')}
      </Text>
      <FileInput
        label={t('invite.bulk.file')}
        placeholder={t('invite.bulk.placeholder')}
        accept=".csv,text/csv"
        leftSection={<IconFileSpreadsheet size={18} />}
        value={file}
        clearable
        clearButtonProps={{ 'aria-label': t('invite.bulk.clear') }}
        onChange={(chosen) => {
          setFile(chosen);
          upload.reset();
          if (!chosen) setText('');
          else void chosen.text().then(setText);
        }}
      />
      {upload.isSuccess ? (
        <Alert
          color="green"
          variant="light"
          role="status"
          title={t('invite.bulk.sent', { count: upload.data.items.length })}
        >
          {upload.data.items.map((invitation) => invitation.email).join(', ')}
        </Alert>
      ) : null}
      <ProblemAlert error={upload.error} shownFields={shownFields} />
      {header && body.length > 0 && !upload.isSuccess ? (
        <Paper withBorder>
          <Table data-testid="bulk-rows" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>{t('invite.bulk.line')}</Table.Th>
                {header.map((column) => (
                  <Table.Th key={column}>{column}</Table.Th>
                ))}
                <Table.Th>{t('invite.bulk.check')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {body.map((cells, index) => {
                const line = index + 2;
                const errors = lineErrors.get(line);
                return (
                  <Table.Tr key={line} data-line={line} bg={errors ? 'var(--mantine-color-red-0)' : undefined}>
                    <Table.Td>{line}</Table.Td>
                    {header.map((column, cell) => (
                      <Table.Td key={column}>{cells[cell] ?? ''}</Table.Td>
                    ))}
                    <Table.Td>
                      {errors ? (
                        <Text size="sm" c="red.9" data-testid={`bulk-error-${line}`}>
                          {errors.join('; ')}
                        </Text>
                      ) : upload.isError ? (
                        <Badge color="gray" variant="light">
                          {t('invite.bulk.rowOk')}
                        </Badge>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Paper>
      ) : null}
      <Group>
        <Button onClick={() => upload.mutate()} loading={upload.isPending} disabled={!text || upload.isSuccess}>
          {t('invite.bulk.submit', { count: body.length })}
        </Button>
      </Group>
    </Stack>
  );
}
