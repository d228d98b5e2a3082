import { DateTime } from 'luxon';
import type { Instant } from './business-calendar.js';
import type { Contract, Coverage } from './contract.js';

/** Where an issue lives, as far as contract coverage is concerned. */
export interface IssueScope {
  readonly source: string;
  readonly project: string;
  readonly component?: string | undefined;
  readonly labels: readonly string[];
}

export type CoverageResult =
  | { readonly covered: true; readonly contract: Contract }
  | { readonly covered: false; readonly reason: string };

// One collator for every comparison: `localeCompare` with options builds one per call, which made
// the contract lookup a few percent of every recompute's CPU (issue 19). The same comparison.
const accentSensitive = new Intl.Collator(undefined, { sensitivity: 'accent' });
const same = (a: string, b: string) => accentSensitive.compare(a, b) === 0;

function matches(coverage: Coverage, scope: IssueScope): boolean {
  return (
    coverage.source === scope.source &&
    same(coverage.project, scope.project) &&
    (coverage.component === undefined || (scope.component !== undefined && same(coverage.component, scope.component))) &&
    (coverage.label === undefined || scope.labels.some((label) => same(label, coverage.label!)))
  );
}

const specificity = (coverage: Coverage) => (coverage.component ? 1 : 0) + (coverage.label ? 1 : 0);

function validOn(contract: Contract, at: Instant): string | undefined {
  // Most contracts have no dates: no calendar date to work out for them.
  if (!contract.validFrom && !contract.validUntil) return undefined;
  const date = DateTime.fromMillis(at, { zone: contract.calendar.zone }).toISODate()!;
  if (contract.validFrom && date < contract.validFrom) return `contract ${contract.id} is valid from ${contract.validFrom}`;
  if (contract.validUntil && date > contract.validUntil) return `contract ${contract.id} ended on ${contract.validUntil}`;
  return undefined;
}

/**
 * The contract that covers an issue created at `createdAt`: the most specific matching coverage
 * (component and label narrow it) among contracts valid on the creation date.
 */
export function findContract(contracts: Iterable<Contract>, scope: IssueScope, createdAt: Instant): CoverageResult {
  let best: { contract: Contract; rank: number } | undefined;
  const invalid: string[] = [];
  for (const contract of contracts) {
    const coverages = contract.covers.filter((coverage) => matches(coverage, scope));
    if (coverages.length === 0) continue;
    const problem = validOn(contract, createdAt);
    if (problem) {
      invalid.push(problem);
      continue;
    }
    const rank = Math.max(...coverages.map(specificity));
    if (!best || rank > best.rank || (rank === best.rank && contract.id < best.contract.id)) best = { contract, rank };
  }
  if (best) return { covered: true, contract: best.contract };
  const where = `${scope.source} project "${scope.project}"${scope.component ? ` component "${scope.component}"` : ''}`;
  if (invalid.length > 0) return { covered: false, reason: `no contract valid on the creation date covers ${where}: ${invalid.join('; ')}` };
  return { covered: false, reason: `no contract covers ${where}` };
}

function validityOverlaps(a: Contract, b: Contract): boolean {
  const startsBeforeEnd = (x: Contract, y: Contract) => !x.validFrom || !y.validUntil || x.validFrom <= y.validUntil;
  return startsBeforeEnd(a, b) && startsBeforeEnd(b, a);
}

/** Index of a coverage of `a` that `b` also has, while both are valid: an ambiguous config. */
export function coverageOverlaps(a: Contract, b: Contract): number | undefined {
  if (!validityOverlaps(a, b)) return undefined;
  const key = (c: Coverage) => [c.source, c.project.toLowerCase(), c.component?.toLowerCase(), c.label?.toLowerCase()].join('\u0000');
  const keys = new Set(b.covers.map(key));
  const index = a.covers.findIndex((coverage) => keys.has(key(coverage)));
  return index === -1 ? undefined : index;
}
