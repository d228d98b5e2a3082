import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const OFFICE_CALENDAR = `
zone: Europe/Amsterdam
hours:
  mon: ["09:00-17:00"]
  tue: ["09:00-17:00"]
  wed: ["09:00-17:00"]
  thu: ["09:00-17:00"]
  fri: ["09:00-17:00"]
holidays:
  country: NL
  add: [Liberation Day]
`;

export const MINIMAL_CONTRACT = `
customer: ACME
calendar: office
covers:
  - { source: gitea-demo, project: acme/app }
policies:
  reaction: { P1: 2h, P2: 8h, P3: 1w, P4: 2w }
`;

/** Writes a throwaway config directory: keys are paths inside it, values the file contents. */
export function writeConfig(files: Record<string, string>, parent = os.tmpdir()): string {
  const dir = mkdtempSync(path.join(parent, 'sla-bridge-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
