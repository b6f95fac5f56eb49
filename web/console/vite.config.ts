// The console is served by `eseal serve` at /console/ ([console] dir). pdf.js's character maps
// and standard fonts are copied beside the bundle so that PDFs with Chinese text and fonts not
// embedded render without a request anywhere else.
import { cpSync } from "node:fs";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/console/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048,
  },
  plugins: [
    {
      name: "eseal-pdfjs-assets",
      closeBundle() {
        for (const folder of ["cmaps", "standard_fonts"]) {
          cpSync(`node_modules/pdfjs-dist/${folder}`, `dist/pdfjs/${folder}`, { recursive: true });
        }
      },
    },
  ],
});
