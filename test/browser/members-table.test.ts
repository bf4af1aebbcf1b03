import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import type {} from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { addMember, platformHeaders } from '../support/fixtures.js';
import type { TestUser } from '../support/users.js';
import { expectAccessible, pageErrors, screenshot } from './support/browser.js';
import { createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';
import { useSignedInPage } from './support/use-signed-in-page.js';

// The members table's paths beyond the role filter and name sort (members.test.ts): status and
// profile filters, email sort, keyset paging over more members than a page holds, CSV export.

const g = useGatehouse();
let owner: TestUser;
const profiles: Record<string, string> = {};
/** More than the table's page of 50, so paging has a second page. */
const pagedCount = 52;

async function member(name: string, email: string, fixture: Parameters<typeof addMember>[2] = {}): Promise<void> {
  const { userId } = await addMember(g.app, owner.accountId!, { email, ...fixture });
  await sql`update users set name = ${name} where id = ${userId}`.execute(g.app.deps.database.db);
}

beforeAll(async () => {
  owner = await createPerson(g, {
    email: 'lucia@wompi.example',
    name: 'Lucía Ortega',
    account: { name: 'Wompi Store' },
  });
  for (const name of ['Bogotá', 'Medellín']) {
    const res = await g.app.inject({
      method: 'POST',
      url: `/v1/accounts/${owner.accountId}/profiles`,
      headers: platformHeaders,
      payload: { name },
    });
    expect(res.statusCode, res.body).toBe(201);
    profiles[name] = res.json<{ id: string }>().id;
  }
  await member('Andrés Inactivo', 'andres@wompi.example', { status: 'inactive' });
  await member('Beatriz Invitada', 'beatriz@wompi.example', { status: 'invited' });
  await member('Carla Bogotá', 'carla@wompi.example', { profileIds: [profiles['Bogotá']] });
  await member('Daniel Medellín', 'daniel@wompi.example', { profileIds: [profiles['Medellín']] });
  for (let n = 1; n <= pagedCount; n++) {
    const nn = String(n).padStart(2, '0');
    await member(`Zoe Cajera ${nn}`, `zoe${nn}@wompi.example`);
  }
});
const session = useSignedInPage(g, () => owner);

const rows = () => session.page.getByTestId('member-row');
const rowNames = async () => (await rows().locator('td:first-child a').allInnerTexts()).map((name) => name.trim());
const rowEmails = async () => (await rows().locator('td:nth-child(2)').allInnerTexts()).map((email) => email.trim());

async function openTable(query = ''): Promise<void> {
  await session.page.goto(`/accounts/${owner.accountId}/members${query}`);
  await session.page.getByTestId('members-table').waitFor();
}

async function choose(filter: string, option: string): Promise<void> {
  await session.page.getByRole('textbox', { name: filter }).click();
  await session.page.getByRole('option', { name: option, exact: true }).click();
}

it('filters by status and by profile, keeps the filters in the URL, and clears them', async () => {
  await openTable();
  await choose('Status', 'Deactivated');
  await session.page.waitForURL(/status=inactive/);
  await expect.poll(rowNames).toEqual(['Andrés Inactivo']);
  expect(await rows().first().innerText()).toMatch(/deactivated/i);

  await choose('Status', 'Invited');
  await session.page.waitForURL(/status=invited/);
  await expect.poll(rowNames).toEqual(['Beatriz Invitada']);

  // A bookmarked filter opens filtered.
  await openTable(`?profileId=${profiles['Bogotá']}`);
  expect(await session.page.getByRole('textbox', { name: 'Profile' }).inputValue()).toBe('Bogotá');
  await openTable();
  await choose('Profile', 'Medellín');
  await session.page.waitForURL(/profileId=/);
  // Members limited to another profile drop out; those who see every profile can work in this one too.
  await expect.poll(async () => (await rowNames()).includes('Carla Bogotá')).toBe(false);
  const names = await rowNames();
  expect(names).toContain('Daniel Medellín');
  expect(names).toContain('Lucía Ortega');
  expect(await rows().filter({ hasText: 'Daniel Medellín' }).innerText()).toContain('Medellín');
  await screenshot(session.page, 'members-filter-profile');

  // Filters combine: nobody removed works in Medellín.
  await choose('Status', 'Removed');
  await session.page.getByRole('heading', { name: 'No one matches' }).waitFor();
  await session.page.getByRole('button', { name: 'Clear search and filters' }).click();
  await session.page.getByTestId('members-table').waitFor();
  expect(new URL(session.page.url()).search).toBe('');
  expect(await rows().count()).toBe(50);
  expect(pageErrors(session.page)).toEqual([]);
});

it('sorts by email both ways, marking the sorted column for assistive technology', async () => {
  await openTable();
  const emailHeader = session.page.getByRole('columnheader', { name: 'Email' });
  expect(await emailHeader.getAttribute('aria-sort')).toBe('none');
  await session.page.getByRole('button', { name: 'Email' }).click();
  await session.page.waitForURL(/sort=email/);
  await expect.poll(async () => (await rowEmails())[0]).toBe('andres@wompi.example');
  await expect.poll(() => emailHeader.getAttribute('aria-sort')).toBe('ascending');
  const ascending = await rowEmails();
  expect(ascending).toEqual([...ascending].sort());

  await session.page.getByRole('button', { name: 'Email' }).click();
  await session.page.waitForURL(/sort=-email/);
  await expect.poll(async () => (await rowEmails())[0]).toBe(`zoe${pagedCount}@wompi.example`);
  await expect.poll(() => emailHeader.getAttribute('aria-sort')).toBe('descending');
  expect(await session.page.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe('none');
  expect(pageErrors(session.page)).toEqual([]);
});

it('pages through more members than fit on a page, forwards and back, without losing or repeating anyone', async () => {
  await openTable();
  const total = pagedCount + 5; // the owner and the four named members
  expect(await rows().count()).toBe(50);
  await session.page.getByText('Page 1', { exact: true }).waitFor();
  expect(await session.page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
  const first = await rowNames();

  await session.page.getByRole('button', { name: 'Next' }).click();
  await session.page.getByText('Page 2', { exact: true }).waitFor();
  await expect.poll(() => rows().count()).toBe(total - 50);
  const second = await rowNames();
  expect(await session.page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
  expect(new Set([...first, ...second]).size).toBe(total);
  expect(second.at(-1)).toBe(`Zoe Cajera ${pagedCount}`);
  await expectAccessible(session.page, 'members list, page 2');
  await screenshot(session.page, 'members-page-2');

  await session.page.getByRole('button', { name: 'Previous' }).click();
  await session.page.getByText('Page 1', { exact: true }).waitFor();
  await expect.poll(rowNames).toEqual(first);

  // A new filter starts again from the first page.
  await session.page.getByRole('button', { name: 'Next' }).click();
  await session.page.getByText('Page 2', { exact: true }).waitFor();
  await choose('Status', 'Active');
  await session.page.getByText('Page 1', { exact: true }).waitFor();
  await expect.poll(async () => (await rowNames())[0]).toBe('Carla Bogotá');
  expect(pageErrors(session.page)).toEqual([]);
});

it('exports the filtered list as a CSV download with the same filters', async () => {
  await openTable();
  await choose('Status', 'Invited');
  await expect.poll(rowNames).toEqual(['Beatriz Invitada']);
  const [download] = await Promise.all([
    session.page.waitForEvent('download'),
    session.page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('members.csv');
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^id,name,email,role,status,profiles/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain('Beatriz Invitada');
  expect(lines[1]).toContain('beatriz@wompi.example');
  expect(lines[1]).toContain(',invited,');

  // Unfiltered: everyone, past the page the table shows.
  await openTable();
  const [all] = await Promise.all([
    session.page.waitForEvent('download'),
    session.page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  const everyone = (await readFile(await all.path(), 'utf8')).trim().split(/\r?\n/).slice(1);
  expect(everyone).toHaveLength(pagedCount + 5);
  expect(everyone.some((line) => line.includes('lucia@wompi.example'))).toBe(true);
  expect(pageErrors(session.page)).toEqual([]);
});

it('opens a member from the row: in the page on a click, in a new tab on a Ctrl-click, with keyboard access to the row’s menu', async () => {
  await openTable('?q=carla');
  await expect.poll(rowNames).toEqual(['Carla Bogotá']);
  const name = rows().first().getByRole('link', { name: 'Carla Bogotá' });
  const href = await name.getAttribute('href');
  expect(href).toMatch(new RegExp(`^/accounts/${owner.accountId}/members/mem_[\\w-]+$`));

  // A modified click is the browser's: a new tab at the member's page, this one unchanged.
  const opened = session.page.context().waitForEvent('page');
  await name.click({ modifiers: ['ControlOrMeta'] });
  const tab = await opened;
  await tab.waitForLoadState();
  expect(new URL(tab.url()).pathname).toBe(href);
  await tab.close();
  expect(new URL(session.page.url()).pathname).toBe(`/accounts/${owner.accountId}/members`);

  // The row's "…" button from the keyboard: the menu opens with its first item focused.
  const actions = rows()
    .first()
    .getByRole('button', { name: /Carla Bogotá/ });
  await actions.focus();
  await session.page.keyboard.press('Enter');
  await expect.poll(() => session.page.getByRole('menuitem', { name: 'View details' }).isVisible()).toBe(true);
  await session.page.keyboard.press('Escape');

  // A plain click navigates inside the app, without a new document.
  await session.page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
  await name.click();
  await session.page.waitForURL(`**${href}`);
  await session.page.getByRole('heading', { name: 'Carla Bogotá' }).waitFor();
  expect(await session.page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
    true,
  );
  expect(pageErrors(session.page)).toEqual([]);
});
