import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = '../src/warroom/api/ui_dist';
const API = process.env.WARROOM_API ?? 'http://127.0.0.1:8000';

/** After a build: a `.gitignore` that keeps the build out of git, and `.gz` twins of text
 * files that the server sends to clients accepting gzip. */
function distExtras(): Plugin {
  const compressible = /\.(js|css|html|svg|json)$/;
  const walk = (folder: string): string[] =>
    readdirSync(folder).flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return {
    name: 'warroom-dist-extras',
    apply: 'build',
    closeBundle() {
      const root = join(here, outDir);
      writeFileSync(join(root, '.gitignore'), '# built by web/: npm run build\n*\n');
      for (const file of walk(root)) {
        const body = readFileSync(file);
        if (compressible.test(file) && body.length > 1024) {
          writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
        }
      }
    },
  };
}

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  plugins: [distExtras()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      onwarn(warning, warn) {
        // Ant Design marks its modules "use client" (for React Server Components): harmless here.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      output: {
        // React and the data layer change less often than our code: their own chunks stay
        // cached across releases. Everything else splits along the lazy pages (charts, graph).
        manualChunks(id) {
          if (
            /node_modules\/(react|react-dom|react-router|react-router-dom|scheduler)\//.test(id)
          ) {
            return 'react';
          }
          if (/node_modules\/(@tanstack|openapi-fetch|zustand)\//.test(id)) return 'query';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': API,
      '/ws': { target: API.replace(/^http/, 'ws'), ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    testTimeout: 20000,
  },
});
