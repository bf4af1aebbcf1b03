import type { App } from '../../../src/app.js';
import type { ProfileView } from '../../../src/profiles/service.js';
import { accountUrl, type Caller, type Page, queryString, send, type Wire } from './request.js';

export type Profile = Wire<ProfileView>;

export const listProfiles = (app: App, caller: Caller, accountId: string, query: { includeArchived?: boolean } = {}) =>
  send<Page<Profile>>(app, caller, 'GET', accountUrl(accountId, `/profiles${queryString(query)}`));

export const createProfile = (app: App, caller: Caller, accountId: string, name: string) =>
  send<Profile>(app, caller, 'POST', accountUrl(accountId, '/profiles'), { name });

export const updateProfile = (
  app: App,
  caller: Caller,
  accountId: string,
  profileId: string,
  change: { name?: string; archived?: boolean },
) => send<Profile>(app, caller, 'PATCH', accountUrl(accountId, `/profiles/${profileId}`), change);
