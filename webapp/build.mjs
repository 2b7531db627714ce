// Builds the page into dist/: hashed, minified JS and CSS (the decoder in its own chunk,
// loaded only when the camera starts), the ZXing .wasm under a hashed name, and
// index.html pointing at them. The server fills in the texts at serve time.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const assets = join(dist, "assets");
rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const wasmSource = join(here, "node_modules/zxing-wasm/dist/reader/zxing_reader.wasm");
const wasmHash = createHash("sha256").update(readFileSync(wasmSource)).digest("hex").slice(0, 10);
const wasmName = `zxing_reader-${wasmHash}.wasm`;
copyFileSync(wasmSource, join(assets, wasmName));

const result = await build({
  entryPoints: { app: join(here, "src/app.js"), style: join(here, "src/style.css") },
  bundle: true,
  splitting: true,
  format: "esm",
  target: ["chrome89", "safari15", "firefox90"],
  minify: true,
  sourcemap: false,
  outdir: assets,
  entryNames: "[name]-[hash]",
  chunkNames: "[name]-[hash]",
  define: { __ZXING_WASM__: JSON.stringify(`./${wasmName}`) },
  metafile: true,
  legalComments: "linked",
  logLevel: "warning",
});

// The service worker keeps a fixed name at the page's level (its scope is the page).
await build({
  entryPoints: [join(here, "src/sw.js")],
  bundle: true,
  format: "iife",
  target: ["chrome89", "safari15", "firefox90"],
  minify: true,
  outfile: join(dist, "sw.js"),
  logLevel: "warning",
});

const outputs = Object.entries(result.metafile.outputs);
const entry = (name) => basename(outputs.find(([, o]) => o.entryPoint && o.entryPoint.endsWith(name))[0]);
const html = readFileSync(join(here, "src/index.html"), "utf8")
  .replace("__APP_JS__", `assets/${entry("src/app.js")}`)
  .replace("__APP_CSS__", `assets/${entry("src/style.css")}`);
writeFileSync(join(dist, "index.html"), html);
for (const [file, o] of outputs) console.log(`${basename(file).padEnd(40)} ${o.bytes} bytes`);
