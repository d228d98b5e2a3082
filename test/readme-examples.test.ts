/** The README's examples are what the code produces: a change to a message or a write-back shows up here. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/project-root.js';
import { readmeExamples } from './support/readme-examples.js';

/** `<!-- example:name -->` followed by a fenced block, possibly indented inside a list item. */
function readmeBlocks(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const match of text.matchAll(/^( *)<!-- example:([\w-]+) -->\n\1```\w*\n([\s\S]*?)\n\1```/gm)) {
    const indent = match[1]!;
    blocks.set(match[2]!, match[3]!.split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n'));
  }
  return blocks;
}

describe('README examples', () => {
  const readme = readmeBlocks(readFileSync(path.join(projectRoot(), 'README.md'), 'utf8'));

  it('shows every example (refresh with npm run readme:examples)', async () => {
    expect([...readme.keys()].sort()).to.deep.equal(Object.keys(await readmeExamples()).sort());
  });

  it('shows each example exactly as the code renders it', async () => {
    for (const [name, rendered] of Object.entries(await readmeExamples())) expect(readme.get(name), name).to.equal(rendered);
  });
});
