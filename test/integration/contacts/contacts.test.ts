import { describe, expect, it } from 'vitest';
import { createContact, deleteContact, listContacts, updateContact } from '../../support/clients/contacts.js';
import { listMembers } from '../../support/clients/members.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

describe('contacts', () => {
  it('are created, edited and removed with contacts.manage, and never count as members', async () => {
    const created = await createContact(t.app, owner, accountId, {
      email: 'Billing@Client.example',
      name: 'Billing',
      topics: ['billing'],
    });
    expect(created.status).toBe(201);
    expect(created.body.email).toBe('billing@client.example');
    expect((await createContact(t.app, owner, accountId, { email: 'billing@client.example' })).code).toBe(
      'contact.email_taken',
    );
    const edited = await updateContact(t.app, owner, accountId, created.body.id, { topics: ['billing', 'security'] });
    expect(edited.body.topics).toEqual(['billing', 'security']);
    const members = await listMembers(t.app, owner, accountId, { q: 'billing@client' });
    expect(members.body.items).toEqual([]);
    const viewer = await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'support' }));
    expect((await createContact(t.app, viewer, accountId, { email: 'x@client.example' })).status).toBe(403);
    expect((await deleteContact(t.app, owner, accountId, created.body.id)).status).toBe(204);
    expect((await listContacts(t.app, owner, accountId)).body.items).toEqual([]);
  });

  it('stay inside their account: another account’s contact id answers 404 and changes nothing', async () => {
    const contact = (await createContact(t.app, owner, accountId, { email: 'ops@client.example', name: 'Ops' })).body;
    const stranger = await signUpAndSignIn(t.app, { account: { name: 'Stranger' } });
    const foreign = await updateContact(t.app, stranger, stranger.accountId!, contact.id, { name: 'x' });
    expect([foreign.status, foreign.code]).toEqual([404, 'contact.not_found']);
    const removed = await deleteContact(t.app, stranger, stranger.accountId!, contact.id);
    expect([removed.status, removed.code]).toEqual([404, 'contact.not_found']);
    expect((await listContacts(t.app, owner, accountId)).body.items).toEqual([contact]);
  });
});
