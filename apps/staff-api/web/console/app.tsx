import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, createApi } from '../shared/api';
import type { StaffIdentityView } from '../shared/api-types';
import { formatDateTime } from '../shared/format';
import { ROLE_NAMES } from '../shared/labels';
import { Loading } from './components';
import { CompanyListingPage, CompanyListingsPage } from './pages/company-listings';
import { ListingPage } from './pages/listing-detail';
import { NoticePage, NoticesPage } from './pages/notices';
import { ObjectionPage, ObjectionRecordPage, ObjectionsQueuePage } from './pages/objections';
import { RepairRequestPage, RepairReviewPage, RepairsQueuePage } from './pages/repairs';
import { ReviewQueuePage } from './pages/review-queue';
import { RevocationsQueuePage } from './pages/revocations';
import { SignInPage } from './pages/sign-in';
import { StationsPage } from './pages/stations';
import { VehiclePage } from './pages/vehicle-search';
import { href, segmentsOf, useHashPath } from './router';
import { roleAllows, SessionContext, useSession, type Session } from './session';

// ECharts is large: it loads with the dashboard only.
const DashboardPage = lazy(() => import('./pages/dashboard'));

/**
 * The token lives in sessionStorage: it is gone when the browser tab closes, and it is never sent
 * anywhere but this origin's API.
 */
const TOKEN_KEY = 'overload-credit.staff-token';

type SignInState =
  | { kind: 'checking' }
  | { kind: 'signed-out'; message?: string }
  | { kind: 'signed-in'; token: string; identity: StaffIdentityView };

export function App() {
  const [state, setState] = useState<SignInState>(() =>
    sessionStorage.getItem(TOKEN_KEY) ? { kind: 'checking' } : { kind: 'signed-out' },
  );

  const signOut = useCallback((message?: string) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setState({ kind: 'signed-out', message });
  }, []);

  const signIn = useCallback(async (token: string): Promise<void> => {
    const identity = await createApi(token).get<StaffIdentityView>('/v1/me');
    sessionStorage.setItem(TOKEN_KEY, token);
    setState({ kind: 'signed-in', token, identity });
  }, []);

  // A token kept from before a reload is checked again.
  useEffect(() => {
    if (state.kind !== 'checking') return;
    const token = sessionStorage.getItem(TOKEN_KEY)!;
    signIn(token).catch((error: unknown) =>
      signOut(error instanceof ApiError && error.status === 401 ? '登录已失效，请重新登录' : undefined),
    );
  }, [state.kind, signIn, signOut]);

  // Signed out when the token expires, not at the next failed request.
  useEffect(() => {
    if (state.kind !== 'signed-in') return;
    const ms = Date.parse(state.identity.expiresAt) - Date.now();
    const timer = setTimeout(() => signOut('登录已过期，请重新登录'), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    return () => clearTimeout(timer);
  }, [state, signOut]);

  const session = useMemo<Session | null>(() => {
    if (state.kind !== 'signed-in') return null;
    const roles = state.identity.roles;
    return {
      identity: state.identity,
      api: createApi(state.token, () => signOut('登录已失效，请重新登录')),
      can: (action) => roleAllows(roles, action),
      signOut,
    };
  }, [state, signOut]);

  if (state.kind === 'checking') return <Loading what="登录信息" />;
  if (!session)
    return <SignInPage onSignIn={signIn} message={state.kind === 'signed-out' ? state.message : undefined} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

const NAV = [
  { path: 'review', label: '审核工作台' },
  { path: 'notices', label: '告知书' },
  { path: 'objections', label: '异议处理' },
  { path: 'companies', label: '企业失信名单' },
  { path: 'revocations', label: '撤销审核' },
  { path: 'repairs', label: '信用修复' },
  { path: 'vehicles', label: '车辆查询' },
  { path: 'stations', label: '站点' },
  { path: 'dashboard', label: '统计' },
];

function Shell() {
  const session = useSession();
  const path = useHashPath();
  const segments = segmentsOf(path);
  const section = segments[0] === 'listings' ? 'review' : segments[0];
  return (
    <>
      <header className="topbar">
        <div className="brand">治超信用执法工作台</div>
        <nav>
          {NAV.map((n) => (
            <a key={n.path} href={href(n.path)} className={section === n.path ? 'active' : ''}>
              {n.label}
            </a>
          ))}
          <a href="/postings/" target="_blank" rel="noopener">
            失信公示 ↗
          </a>
        </nav>
        <div className="who" data-testid="who">
          <span title={`令牌有效期至 ${formatDateTime(session.identity.expiresAt)}`}>
            {session.identity.name ?? session.identity.sub}
          </span>
          <span className="roles">{session.identity.roles.map((r) => ROLE_NAMES[r]).join('、')}</span>
          <button className="secondary small" onClick={() => session.signOut()}>
            退出
          </button>
        </div>
      </header>
      <main className="content">
        <Route segments={segments} />
      </main>
    </>
  );
}

function Route({ segments }: { segments: string[] }) {
  const [first, second, third, fourth, fifth] = segments;
  switch (first) {
    case 'review':
      return <ReviewQueuePage />;
    case 'listings':
      return second ? <ListingPage id={second} /> : <ReviewQueuePage />;
    case 'notices':
      return second ? <NoticePage id={second} /> : <NoticesPage />;
    case 'objections':
      // #/objections/new/<target type>/<target id>/<listing id>: opened from a listing or a violation.
      if (second === 'new') return <ObjectionRecordPage targetType={third} targetId={fourth} listingId={fifth} />;
      return second ? <ObjectionPage id={second} /> : <ObjectionsQueuePage />;
    case 'companies':
      return second ? <CompanyListingPage id={second} /> : <CompanyListingsPage />;
    case 'revocations':
      return <RevocationsQueuePage />;
    case 'repairs':
      if (second === 'new' && third) return <RepairRequestPage listingId={third} />;
      if (second) return <RepairReviewPage id={second} />;
      return <RepairsQueuePage />;
    case 'vehicles':
      return <VehiclePage plateColor={second} plate={third} />;
    case 'stations':
      return <StationsPage />;
    case 'dashboard':
      return (
        <Suspense fallback={<Loading what="统计图表" />}>
          <DashboardPage />
        </Suspense>
      );
    default:
      return <ReviewQueuePage />;
  }
}
