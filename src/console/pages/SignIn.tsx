import { useState } from 'preact/hooks';
import { describeError } from '../api.js';
import { type Operator, firstRunSetup, signIn } from '../session.js';

function Field(props: { id: string; label: string; type?: string; value: string; onInput: (v: string) => void; autoComplete?: string; hint?: string; required?: boolean }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        autoComplete={props.autoComplete}
        required={props.required ?? true}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      {props.hint && (
        <small id={`${props.id}-hint`} class="muted">
          {props.hint}
        </small>
      )}
    </div>
  );
}

export function SignInPage(props: { notice: string | null; onDone: (op: Operator) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="card narrow" id="main">
      <h1>Sign in to ClubOS</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            props.onDone(await signIn(username, password));
          } catch (err) {
            setError(describeError(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Field id="username" label="Username" value={username} onInput={setUsername} autoComplete="username" />
        <Field id="password" label="Password" type="password" value={password} onInput={setPassword} autoComplete="current-password" />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

export function SetupPage(props: { onDone: (op: Operator) => void }) {
  const [token, setToken] = useState('');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="card narrow" id="main">
      <h1>Set up ClubOS</h1>
      <p>Create the first administrator with the one-time setup token that the server printed when it started.</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            props.onDone(await firstRunSetup({ token: token.trim(), username, password, ...(displayName ? { displayName } : {}) }));
          } catch (err) {
            setError(describeError(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Field id="setup-token" label="Setup token" value={token} onInput={setToken} autoComplete="off" />
        <Field id="setup-username" label="Administrator username" value={username} onInput={setUsername} autoComplete="username" hint="Letters, digits and . _ @ -" />
        <Field id="setup-display" label="Display name" value={displayName} onInput={setDisplayName} required={false} autoComplete="name" />
        <Field id="setup-password" label="Password" type="password" value={password} onInput={setPassword} autoComplete="new-password" hint="A long passphrase." />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </main>
  );
}
