import { Button, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type ComponentProps, lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Link,
  Navigate,
  Outlet,
  Route,
  Routes,
  useLocation,
  useNavigate,
  useOutletContext,
  useParams,
} from 'react-router';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { forgetSession, setForbiddenHandler, setSessionEndedHandler } from '../api/client';
import {
  allows,
  defaultAccount,
  type Me,
  meQueryKey,
  permissionsQueryKey,
  prefetchMe,
  prefetchPermissions,
  rememberAccount,
  usableMemberships,
  useMe,
  usePermissions,
} from '../api/session';
import { AuthLayout } from '../components/AuthLayout';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { AccountContext, useAccount } from './account-context';
import { matchScreen, type ScreenDefinition, screens } from './screens';
import { afterPaint } from './after-paint';

const SignInPage = lazy(() => import('../auth/SignInPage'));
const PasswordResetPage = lazy(() => import('../auth/PasswordResetPage'));
const EmailChangePage = lazy(() => import('../auth/EmailChangePage'));
const AcceptInvitationPage = lazy(() => import('../invitations/AcceptInvitationPage'));
const SecurityPage = lazy(() => import('../me/SecurityPage'));
const MailboxPage = lazy(() => import('../dev/MailboxPage'));
// The frame of every signed-in page (navigation, account and user menus): not needed to sign in.
const loadShell = () => import('./Shell');
const LazyShell = lazy(() => loadShell().then((module) => ({ default: module.Shell })));

/**
 * The frame, with its own Suspense boundary: the page around it commits while it downloads, so
 * that page's effects (the permissions request) start at once instead of after the download.
 */
function Shell(props: ComponentProps<typeof LazyShell>) {
  return (
    <Suspense fallback={<LoadingState />}>
      <LazyShell {...props} />
    </Suspense>
  );
}

/**
 * Starts what the page a URL opens will need, before the first render: who you are, your
 * permissions in the URL's account, the screen's first requests, and its code (the frame of
 * signed-in pages and the screen). Otherwise each waits for the one before it to render.
 */
export function startPage(queryClient: QueryClient, location: { pathname: string; search: string }): void {
  const { pathname } = location;
  const signedInPage = pathname === '/' || pathname.startsWith('/accounts/') || pathname.startsWith('/me/');
  const match = matchScreen(pathname);
  prefetchMe(queryClient);
  if (signedInPage)
    void prefetchPermissions(queryClient, match?.accountId).catch(() => {
      // The pages ask again and show the failure where it belongs.
    });
  match?.screen.prefetch?.(queryClient, {
    accountId: match.accountId,
    rest: match.rest,
    search: new URLSearchParams(location.search),
  });
  // The code waits one task, so that those requests take the browser's first connections
  // (HTTP/1.1 gives a page six) instead of queuing behind a dozen small scripts.
  setTimeout(() => {
    const ignore = () => {
      // Rendering downloads it again and shows a failure where it belongs.
    };
    if (signedInPage) void loadShell().catch(ignore);
    void match?.screen.Component.preload().catch(ignore);
  }, 0);
}

/** Every page. Pages a signed-out person opens from an email come first; the rest need a session. */
export function App() {
  return (
    <Suspense fallback={<LoadingState />}>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/password-reset" element={<PasswordResetPage />} />
        <Route path="/email-change" element={<EmailChangePage />} />
        <Route path="/invitations/accept" element={<AcceptInvitationPage />} />
        <Route path="/dev/mailbox" element={<MailboxPage />} />
        <Route element={<RequireSignedIn />}>
          <Route index element={<OpenDefaultAccount />} />
          <Route path="/me/security" element={<PersonalPage />} />
          <Route path="/accounts/:accountId" element={<AccountLayout />}>
            {screens.map((screen) =>
              screen.path === '' ? (
                <Route key="index" index element={<ScreenGate screen={screen} />} />
              ) : (
                <Route key={screen.path} path={screen.path} element={<ScreenGate screen={screen} />} />
              ),
            )}
            <Route path="*" element={<NotFoundInAccount />} />
          </Route>
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Suspense>
  );
}

/** Signed-in pages: loads you, sends a signed-out visitor to sign in and back here after. */
function RequireSignedIn() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  useEffect(() => {
    setSessionEndedHandler(() => {
      // Forget the signed-in person, or the sign-in page would send them straight back here.
      forgetSession();
      queryClient.clear();
      notifications.show({ color: 'orange', title: t('session.endedTitle'), message: t('session.endedMessage') });
      void navigate(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, {
        replace: true,
      });
    });
    // Refused: what the page believes you may do is out of date; the navigation and actions follow at once.
    setForbiddenHandler(
      () => void queryClient.invalidateQueries({ queryKey: permissionsQueryKey }, { cancelRefetch: false }),
    );
    return () => {
      setSessionEndedHandler(undefined);
      setForbiddenHandler(undefined);
    };
  }, [navigate, queryClient, t]);
  if (me.isPending) return <LoadingState />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data)
    return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <Outlet context={me.data} />;
}

function useSignedInMe(): Me {
  return useOutletContext<Me>();
}

/** `/`: the account this browser used last, else the first one. */
function OpenDefaultAccount() {
  const me = useSignedInMe();
  const { t } = useTranslation();
  const account = defaultAccount(me);
  if (account) return <Navigate to={`/accounts/${account.accountId}`} replace />;
  // Deactivated everywhere: say so, rather than suggest they were never invited.
  const deactivated = me.memberships.filter((membership) => membership.status === 'inactive');
  return (
    <Shell me={me} membership={undefined} can={() => false}>
      {deactivated.length > 0 ? (
        <EmptyState
          title={t('home.deactivatedTitle')}
          description={t('home.deactivatedText', {
            count: deactivated.length,
            accounts: deactivated.map((membership) => membership.accountName).join(', '),
          })}
        />
      ) : (
        <EmptyState title={t('home.noAccountTitle')} description={t('home.noAccountText')} />
      )}
    </Shell>
  );
}

/** Pages about you rather than an account (/me/security), in the frame of your current account. */
function PersonalPage() {
  const me = useSignedInMe();
  const membership = defaultAccount(me);
  const permissions = usePermissions(membership);
  return (
    <Shell me={me} membership={membership} can={(permission) => allows(permissions.data, permission)}>
      <SecurityPage />
    </Shell>
  );
}

/** `/accounts/:accountId/*`: the shell, the account switcher's memory, and the member's permissions. */
function AccountLayout() {
  const me = useSignedInMe();
  const { t } = useTranslation();
  const { accountId } = useParams();
  const membership = usableMemberships(me).find((candidate) => candidate.accountId === accountId);
  const permissions = usePermissions(membership);
  const queryClient = useQueryClient();
  useEffect(() => {
    // Once the page has painted: the first touch of localStorage loads it, which a first
    // paint need not wait for.
    if (membership) return afterPaint(() => rememberAccount(membership.accountId));
  }, [membership]);
  useEffect(() => {
    // Refused here: reload who you are, so the switcher and "/" stop offering this account.
    if (permissions.isError) void queryClient.invalidateQueries({ queryKey: meQueryKey });
  }, [permissions.isError, queryClient]);

  if (!membership || permissions.isError) {
    // Removed, deactivated, or a link to an account you never belonged to: say so plainly.
    return (
      <Shell me={me} membership={defaultAccount(me)} can={() => false}>
        <EmptyState
          title={t('access.lostTitle')}
          description={t('access.lostText')}
          action={
            <Button component={Link} to="/">
              {t('access.backHome')}
            </Button>
          }
        />
      </Shell>
    );
  }
  const can = (permission: string) => allows(permissions.data, permission);
  return (
    <AccountContext.Provider value={{ membership, can, isOwner: membership.isOwner }}>
      <Shell me={me} membership={membership} can={can}>
        {permissions.isPending ? <LoadingState /> : <Outlet />}
      </Shell>
    </AccountContext.Provider>
  );
}

/** A screen, or a clear refusal when the member lacks its permission (now, or since an admin changed it). */
function ScreenGate({ screen }: { screen: ScreenDefinition }) {
  const { t } = useTranslation();
  const { membership, can } = useAccount();
  if (screen.permission && !can(screen.permission)) {
    return (
      <EmptyState
        title={t('access.deniedTitle')}
        description={t('access.deniedText')}
        action={
          <Button component={Link} to={`/accounts/${membership.accountId}`} variant="default">
            {t('access.backHome')}
          </Button>
        }
      />
    );
  }
  const Component = screen.Component;
  return (
    <Suspense fallback={<LoadingState />}>
      <Component />
    </Suspense>
  );
}

function NotFoundInAccount() {
  const { t } = useTranslation();
  return <EmptyState title={t('notFound.title')} description={t('notFound.text')} />;
}

function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <AuthLayout title={t('notFound.title')}>
      <Stack gap="md">
        <Text>{t('notFound.text')}</Text>
        <Button component={Link} to="/">
          {t('access.backHome')}
        </Button>
      </Stack>
    </AuthLayout>
  );
}
