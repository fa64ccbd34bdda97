import type { LocalServer } from './ensure-local-server.js';

/** What the middleware needs of an SDK client: its middleware stack. */
/** An SDK client; only its middleware stack is used. */
interface WithMiddleware {
  middlewareStack: unknown;
}
interface Stack {
  add(middleware: unknown, options: object): void;
}
type Handler = (args: { request: unknown; input: unknown }) => Promise<unknown>;

interface HttpRequestLike {
  protocol: string;
  hostname: string;
  port?: number;
  headers: Record<string, string>;
}

/**
 * When the local server a command talks to goes away mid-command (stopped, idled out,
 * replaced by a `local start` on another port), the command finds or starts the server
 * once more and resends, instead of failing. Only on a refused connection: then nothing
 * reached a server, so resending any request, write or read, cannot apply it twice.
 * Later requests of the command go to the new endpoint directly.
 */
export function rediscoverOnRefused(
  clients: WithMiddleware[],
  rediscover: () => Promise<LocalServer>,
): void {
  let current: URL | undefined;
  let once: Promise<URL> | undefined;
  const middleware =
    (next: Handler): Handler =>
    async (args) => {
      const request = args.request as HttpRequestLike;
      if (current) point(request, current);
      try {
        return await next(args);
      } catch (error) {
        if (!refused(error)) throw error;
        once ??= rediscover().then((server) => new URL(server.endpoint));
        const url = await once;
        if (url.host === `${request.hostname}:${request.port ?? ''}`) throw error;
        current = url;
        point(request, url);
        return next(args);
      }
    };
  for (const client of clients) {
    (client.middlewareStack as Stack).add(middleware, {
      step: 'build',
      name: 'kmsDemoRediscoverLocalServer',
      priority: 'high',
    });
  }
}

function point(request: HttpRequestLike, url: URL): void {
  request.protocol = url.protocol;
  request.hostname = url.hostname;
  request.port = Number(url.port);
  // Set again (for the signature too) by the SDK's later steps.
  delete request.headers.host;
}

function refused(error: unknown): boolean {
  const e = error as { code?: unknown; errors?: unknown[]; cause?: unknown } | undefined;
  if (!e) return false;
  if (e.code === 'ECONNREFUSED') return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => refused(inner))) return true;
  return e.cause !== undefined && e.cause !== e && refused(e.cause);
}
