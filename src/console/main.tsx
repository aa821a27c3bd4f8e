import { type JSX, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, hasSession, onSessionLost } from './api.js';
import { connectLive, disconnectLive, useLiveStatus } from './live.js';
import { AdminPage } from './pages/Admin.js';
import { MetricsPage } from './pages/Metrics.js';
import { PatternsPage } from './pages/Patterns.js';
import { QueuePage } from './pages/Queue.js';
import { SecurityPage } from './pages/Security.js';
import { SetupPage, SignInPage } from './pages/SignIn.js';
import { ThreadPage } from './pages/Thread.js';
import { type Operator, atLeast, signOut } from './session.js';

type Phase = { kind: 'loading' } | { kind: 'setup' } | { kind: 'signin'; notice: string | null } | { kind: 'app'; operator: Operator } | { kind: 'error'; message: string };

/** Hash routes (`#/queue`, `#/events/<id>`): the server serves one page at `/`. */
function useRoute(): string {
  const read = () => (location.hash.replace(/^#/, '') || '/queue').split('?')[0]!;
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

const NAV = [
  { href: '#/queue', label: 'Queue', role: 'viewer' },
  { href: '#/patterns', label: 'Patterns', role: 'viewer' },
  { href: '#/metrics', label: 'Metrics', role: 'viewer' },
  { href: '#/security', label: 'Security', role: 'admin' },
  { href: '#/admin', label: 'Admin', role: 'admin' },
] as const;

function LiveBadge() {
  const status = useLiveStatus();
  const text = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', closed: 'Offline' }[status];
  return (
    <span class={`live live-${status}`} role="status" aria-live="polite" data-testid="live-status">
      {text}
    </span>
  );
}

function Shell(props: { operator: Operator; onSignedOut: () => void }) {
  const route = useRoute();
  const op = props.operator;
  useEffect(() => {
    connectLive();
    return () => disconnectLive();
  }, []);
  let page: JSX.Element;
  const thread = /^\/events\/([0-9a-f-]{36})$/.exec(route);
  if (thread) page = <ThreadPage id={thread[1]!} operator={op} />;
  else if (route === '/patterns') page = <PatternsPage operator={op} />;
  else if (route === '/metrics') page = <MetricsPage />;
  else if (route === '/security' && atLeast(op, 'admin')) page = <SecurityPage />;
  else if (route.startsWith('/admin') && atLeast(op, 'admin')) page = <AdminPage operator={op} route={route} />;
  else page = <QueuePage operator={op} />;
  const active = `#${route}`;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">ClubOS</span>
        <nav aria-label="Main">
          {NAV.filter((n) => atLeast(op, n.role)).map((n) => (
            <a key={n.href} href={n.href} aria-current={active.startsWith(n.href) ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <LiveBadge />
        <span class="who" title={op.role}>
          {op.displayName}
        </span>
        <button
          type="button"
          class="ghost"
          onClick={() => {
            // Leave the pages first (their pending refreshes stop), then end the session.
            disconnectLive();
            props.onSignedOut();
            void signOut().catch(() => undefined);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });

  useEffect(() => {
    (async () => {
      const setup = await api<{ required: boolean }>('GET', '/v1/setup');
      if (setup.required) return setPhase({ kind: 'setup' });
      // No session cookie: straight to sign-in, without a request the browser would log as a failed 401.
      if (!hasSession()) return setPhase({ kind: 'signin', notice: null });
      try {
        setPhase({ kind: 'app', operator: await api<Operator>('GET', '/v1/auth/me') });
      } catch (err) {
        if (err instanceof ApiError && err.problem.status === 401) return setPhase({ kind: 'signin', notice: null });
        throw err;
      }
    })().catch((err: unknown) => setPhase({ kind: 'error', message: err instanceof Error ? err.message : String(err) }));
  }, []);

  useEffect(
    () =>
      onSessionLost((reason) => {
        disconnectLive();
        setPhase({ kind: 'signin', notice: reason === 'session-expired' ? 'Your session has ended. Sign in again to continue.' : 'Please sign in.' });
      }),
    [],
  );

  switch (phase.kind) {
    case 'loading':
      return <p class="center muted">Loading…</p>;
    case 'error':
      return (
        <p class="center error" role="alert">
          The console could not reach ClubOS: {phase.message}
        </p>
      );
    case 'setup':
      return <SetupPage onDone={(operator) => setPhase({ kind: 'app', operator })} />;
    case 'signin':
      return <SignInPage notice={phase.notice} onDone={(operator) => setPhase({ kind: 'app', operator })} />;
    case 'app':
      return <Shell operator={phase.operator} onSignedOut={() => setPhase({ kind: 'signin', notice: 'You are signed out.' })} />;
  }
}

render(<App />, document.getElementById('app')!);
