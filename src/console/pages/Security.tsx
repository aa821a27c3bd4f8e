import { api } from '../api.js';
import { useResource } from '../hooks.js';
import { type AuditStatus, AuditStatusLine } from './Audit.js';

/** The security dashboard: what the defenses refused and why, keys at risk, and the audit chain's state. */
export function SecurityPage() {
  const status = useResource(() => api<AuditStatus>('GET', '/v1/audit/status'), [], ['security.event']);
  return (
    <section aria-labelledby="security-title">
      <h1 id="security-title">Security</h1>
      <div class="card">
        <h2>Audit chain</h2>
        {status.error && (
          <p class="error" role="alert">
            {status.error}
          </p>
        )}
        {status.data && <AuditStatusLine status={status.data} />}
      </div>
    </section>
  );
}
