import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkerPlanner, inProcessPlanner } from '../campaigns/campaignPlanner';
import { startCore } from '../startCore';
import { exportDownloadRoute } from '../server/exportDownloads';
import { startLoopbackServer } from '../server/loopbackServer';
import { terminalText } from './terminalText';

export interface ServeOptions {
  dataDir: string;
  port: number;
  rendererDir: string;
}

/**
 * Plans run in a worker thread so one large study cannot stall every other client (issue #15, finding 8). The
 * worker is its own bundle beside this one (scripts/build-cli.mjs builds out/cli/planWorker.js next to index.js).
 */
function servePlanner() {
  const workerEntry = fileURLToPath(new URL('./planWorker.js', import.meta.url));
  if (existsSync(workerEntry)) return createWorkerPlanner({ workerEntry });
  process.stderr.write(terminalText(`The planning worker is missing (${workerEntry}); plans will run on the server's own thread. Run "npm run build".\n`));
  return inProcessPlanner();
}

/** `llem-studio serve`: the core plus the built UI on loopback, until Ctrl-C. */
export async function runServeCommand(options: ServeOptions): Promise<number> {
  if (!existsSync(path.join(options.rendererDir, 'index.html'))) {
    process.stderr.write(`The built UI is missing (${options.rendererDir}/index.html). Run "npm run build" first.\n`);
    return 1;
  }
  const core = startCore({ dataDir: options.dataDir, mode: 'browser', planner: servePlanner() });
  if (!core.ok) {
    process.stderr.write(terminalText(`${core.error.message}\n`));
    return 1;
  }
  let server;
  try {
    server = await startLoopbackServer({
      dispatcher: core.value.dispatcher,
      rendererDir: options.rendererDir,
      port: options.port,
      routes: [exportDownloadRoute(core.value.context)],
    });
  } catch (e) {
    core.value.close();
    process.stderr.write(terminalText(`Could not listen on 127.0.0.1:${options.port}: ${(e as Error).message}\n`));
    return 1;
  }
  // The first page (Design) asks for the campaign templates at once, and planning them cold takes ~50 ms of this
  // process's CPU: do it now rather than while the browser waits for its first frame (issue #6). Cached per profile
  // (core/campaigns/templates.ts); 'head' is the profile the page assumes until app.info says otherwise.
  await core.value.dispatcher.call('campaign.templates', { profile: 'head' });
  // app.info probes the installed llem (dry runs; cached per install): start that now, in the background, so the
  // first Settings/Design visit does not wait for llem's start-up.
  void core.value.dispatcher.call('app.info', {});
  process.stdout.write(
    `llem Studio is serving on ${server.url}\n` +
      `Data directory: ${options.dataDir}\n` +
      `Only this machine can connect. From your laptop: ssh -L ${server.port}:127.0.0.1:${server.port} <this host>, then open the URL.\n` +
      'Press Ctrl-C to stop.\n',
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await core.value.shutdown();
  process.stdout.write('Stopped.\n');
  return 0;
}
