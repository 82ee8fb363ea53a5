import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

const root = fileURLToPath(new URL(".", import.meta.url));

// `vite build` builds the app (ui/dist, loaded by Tauri). `vite build --mode harness` builds the
// test harness (ui/dist-harness): the same app with a mocked Tauri IPC, used by `npm test` only.
export default defineConfig(({ mode }) => {
  const harness = mode === "harness";
  return {
    root,
    base: "./",
    clearScreen: false,
    server: { port: 1420, strictPort: true, host: "localhost" },
    envPrefix: ["VITE_", "TAURI_ENV_"],
    build: {
      outDir: resolve(root, harness ? "dist-harness" : "dist"),
      emptyOutDir: true,
      target: "es2022",
      sourcemap: harness,
      rollupOptions: {
        input: resolve(root, harness ? "test-harness.html" : "index.html"),
      },
    },
  };
});
