import type { Audit } from '../api/generated';

/** AuditBadge says what re-executing the peers' share of the last answer found. */
export function AuditBadge({ audit }: { audit: Audit }) {
  const caught = audit.caught ?? [];
  if (caught.length > 0) {
    return (
      <span role="status" data-testid="audit" className="badge liar"
        title={`Peers caught returning wrong results: ${caught.join(', ')}. They are left out of every route.`}>
        peer caught lying — answer not trustworthy
      </span>
    );
  }
  if (audit.hops === 0) return null;
  return (
    <span role="status" data-testid="audit" className="badge measured"
      title={`${audit.positions} positions of ${audit.hops} peers' work re-executed on this computer, bit for bit`}>
      {audit.full ? 'verified' : 'spot-checked'}
    </span>
  );
}
