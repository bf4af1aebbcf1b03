import { beforeAll, expect, it } from 'vitest';
import { addMember } from '../support/fixtures.js';
import type { TestUser } from '../support/users.js';
import { expectAccessible, pageErrors, screenshot } from './support/browser.js';
import { createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';
import { useSignedInPage } from './support/use-signed-in-page.js';

// At a phone's width (390 px) the page's content comes first; the navigation is a panel the
// menu button opens, and choosing a page closes it.

const g = useGatehouse();
let owner: TestUser;
beforeAll(async () => {
  owner = await createPerson(g, { email: 'ana@phone.example', name: 'Ana Reyes', account: { name: 'Phone Shop' } });
  await addMember(g.app, owner.accountId!, { email: 'teo@phone.example' });
});
const session = useSignedInPage(g, () => owner);

it('shows the page, not the navigation, and opens the navigation from the menu button', async () => {
  const page = session.page;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/accounts/${owner.accountId}/members`);
  const heading = page.getByRole('heading', { name: 'Team members' });
  await heading.waitFor();
  const box = await heading.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box)).toBe(true);
  const roles = page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Roles' });
  const offScreen = async () => {
    const nav = await roles.boundingBox();
    return nav === null || nav.x + nav.width <= 0;
  };
  expect(await offScreen()).toBe(true);
  await screenshot(page, 'phone-members');
  await expectAccessible(page, 'phone members');

  await page.getByRole('button', { name: 'Main navigation' }).click();
  // Fully in (the panel slides), then pictured.
  await expect.poll(async () => (await roles.boundingBox())?.x ?? -1).toBeGreaterThanOrEqual(0);
  await page.waitForTimeout(300);
  await screenshot(page, 'phone-navigation');
  await roles.click();
  await page.getByRole('heading', { name: 'Roles' }).first().waitFor();
  await expect.poll(offScreen).toBe(true);
  expect(pageErrors(page)).toEqual([]);
});
