import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const protocolDir = fileURLToPath(new URL('./server/protocol', import.meta.url));
const boardUrl = process.env.AUDIO_BOARD_DEV_SERVER ?? 'http://127.0.0.1:7860';

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@protocol': protocolDir } },
  server: {
    proxy: {
      '/api': boardUrl,
      '/socket.io': { target: boardUrl, ws: true },
    },
  },
  build: { outDir: 'dist', chunkSizeWarningLimit: 1500 },
});
