// The web chat's entry: `pnpm nx run demo:web`. Serves the page on 127.0.0.1,
// at PORT or a free port, until Ctrl-C.
import { startWebChat } from './web-server.ts';

const port = process.env.PORT === undefined || process.env.PORT === '' ? 0 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number (0-65535); got ${process.env.PORT ?? ''}.`);
  process.exit(2);
}

const chat = await startWebChat({ env: process.env, port });
console.log(`TinyAgent web chat — ${chat.offline ? chat.label : `model: ${chat.label}`}`);
console.log(`Open ${chat.url} (Ctrl-C stops the server)`);

process.once('SIGINT', () => {
  void chat.close().then(() => process.exit(0));
});
