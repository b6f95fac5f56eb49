// Builds the phone page into dist/: index.html as written, src/main.js bundled with its npm
// dependencies into one script (app.js, loaded with defer: the server's Content-Security-Policy
// allows no inline script) and src/style.css as app.css.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: [
    { in: join(here, 'src/main.js'), out: 'app' },
    { in: join(here, 'src/style.css'), out: 'app' },
  ],
  outdir: dist,
  bundle: true,
  format: 'iife',
  target: ['es2022'],
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile(join(here, 'src/index.html'), join(dist, 'index.html'));
console.log(`built ${dist}`);
