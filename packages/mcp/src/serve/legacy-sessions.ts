import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import type { McpServerFactory } from '@modelcontextprotocol/server';

/** The stateful serving of 2025-era clients: one server instance per `Mcp-Session-Id`. */
export interface LegacySessions {
  fetch(request: Request): Promise<Response>;
  /** Closes every session. */
  close(): Promise<void>;
}

/** Options of `createLegacySessions`. */
export interface LegacySessionsOptions {
  maxBodyBytes: number;
  /** Sessions kept at most; opening one more closes the oldest. */
  maxSessions: number;
}

/**
 * Serves 2025-era clients (the SDK client's default) with sessions, as the SDK's streamable HTTP
 * transport provides them. Stateless serving would answer each POST with a fresh instance, so a
 * client's `notifications/cancelled` (its own POST) could never reach the call it cancels; in a
 * session it reaches the instance running that call, which aborts the call's signal. Sessions a
 * client never ends would pile up: past `maxSessions`, the oldest is closed.
 */
export function createLegacySessions(factory: McpServerFactory, options: LegacySessionsOptions): LegacySessions {
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();

  const open = async (request: Request): Promise<Response> => {
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, transport);
      },
      onsessionclosed: (sessionId) => {
        sessions.delete(sessionId);
      },
      maxRequestBodySize: options.maxBodyBytes,
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    const server = await factory({ era: 'legacy', requestInfo: request });
    await server.connect(transport);
    const response = await transport.handleRequest(request);
    // Only an `initialize` opens a session; the transport refused anything else.
    if (transport.sessionId === undefined) await transport.close();
    else await evictBeyond(sessions, options.maxSessions);
    return response;
  };

  return {
    fetch: (request) => {
      const sessionId = request.headers.get('mcp-session-id');
      if (sessionId === null) return open(request);
      const transport = sessions.get(sessionId);
      if (transport === undefined) return Promise.resolve(sessionNotFound());
      return transport.handleRequest(request);
    },
    close: async () => {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map((transport) => transport.close()));
    },
  };
}

async function evictBeyond(sessions: Map<string, WebStandardStreamableHTTPServerTransport>, limit: number) {
  // A Map iterates in insertion order: the first keys are the oldest sessions.
  while (sessions.size > limit) {
    const [oldest] = sessions;
    if (oldest === undefined) return;
    sessions.delete(oldest[0]);
    await oldest[1].close();
  }
}

function sessionNotFound(): Response {
  const body = { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found: initialize again.' } };
  return Response.json(body, { status: 404 });
}
