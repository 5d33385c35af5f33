import type { IncomingMessage } from 'node:http';
import type { z } from '@tinyagent/core';

/** A request the server refuses, with the HTTP status and a message the page shows as it is. */
export class RequestError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
  }
}

/** The most a request body may hold: a question, its history and some decisions fit well within. */
// Room for the largest body the chat's schema accepts: 40 messages of history of 8,000 characters,
// at up to 3 bytes each in UTF-8, and the question. A page within the schema never meets a 413.
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a JSON body of at most `MAX_BODY_BYTES` and checks it against `schema`. Throws RequestError:
 * 415 for another content type, 413 for a body too large (read no further), 400 for bad JSON or a
 * body the schema rejects, naming the first field at fault.
 */
export async function readJsonBody<Schema extends z.ZodType>(
  request: IncomingMessage,
  schema: Schema,
): Promise<z.output<Schema>> {
  const type = request.headers['content-type'] ?? '';
  // Also what keeps other sites' forms out: a cross-origin JSON post needs a CORS preflight, which this server never grants.
  if (type.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    throw new RequestError(415, 'Send the request body as JSON, with Content-Type: application/json.');
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, 'The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
    throw new RequestError(400, `Bad request: ${where}: ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

function tooLarge(): RequestError {
  return new RequestError(413, `The request body is larger than ${MAX_BODY_BYTES / 1024} KB.`);
}
