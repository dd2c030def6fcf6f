import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Black-box tests spawn the built CLI; `npm test` builds first, this covers a bare `npx vitest`. */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  if (!existsSync(`${root}/dist/cli/main.cjs`)) {
    execFileSync('npm', ['run', 'bundle'], { cwd: root, stdio: 'inherit' });
  }
  if (!existsSync(`${root}/dist/inspector-page/app.js`)) {
    execFileSync('npm', ['run', 'bundle:page'], { cwd: root, stdio: 'inherit' });
  }
}
