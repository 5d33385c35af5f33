// A Response whose body arrived whole before it was handed over (see dispatcher-fetch.ts). The
// openai SDK reads a reply with `text()`; here that decodes the bytes directly, without the stream,
// reader and per-chunk promises a streamed body costs on every model turn. Anything else that
// touches the body (`body`, `blob()`, `formData()`) gets an ordinary Response over the same bytes.

const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** A Response over bytes already received; reads like any other Response. */
export class BufferedResponse extends Response {
  #bytes: Uint8Array | undefined;
  #full: Response | undefined;
  readonly #init: ResponseInit;
  readonly #url: string;

  /** The status line and headers are checked here; the body follows with `setBody`. */
  constructor(init: ResponseInit, url: string) {
    super(null, init);
    this.#init = init;
    this.#url = url;
  }

  /** Sets the body once it has arrived whole, before the response is handed over. */
  setBody(bytes: Uint8Array): this {
    this.#bytes = bytes;
    return this;
  }

  // The overrides go on the prototype here: the DOM types declare Response's members as properties,
  // which a subclass may not redefine as methods or accessors.
  static {
    const methods = {
      text(this: BufferedResponse): Promise<string> {
        if (this.#full !== undefined) return this.#full.text();
        return this.#take().then((bytes) => decoder.decode(bytes));
      },
      json(this: BufferedResponse): Promise<unknown> {
        if (this.#full !== undefined) return this.#full.json();
        return this.text().then((text) => JSON.parse(text) as unknown);
      },
      arrayBuffer(this: BufferedResponse): Promise<ArrayBuffer> {
        if (this.#full !== undefined) return this.#full.arrayBuffer();
        // A copy: the received bytes may share their buffer with other data.
        return this.#take().then((bytes) => new Uint8Array(bytes).buffer);
      },
      bytes(this: BufferedResponse): Promise<Uint8Array> {
        if (this.#full !== undefined) return this.#full.bytes();
        return this.#take().then((bytes) => new Uint8Array(bytes));
      },
      blob(this: BufferedResponse): Promise<Blob> {
        return this.#materialize().blob();
      },
      formData(this: BufferedResponse): Promise<FormData> {
        // Deprecated for parsing uploads in servers, but a member of Response all the same.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        return this.#materialize().formData();
      },
      clone(this: BufferedResponse): Response {
        if (this.#full !== undefined) {
          const copy = this.#full.clone();
          Object.defineProperty(copy, 'url', { value: this.#url });
          return copy;
        }
        if (this.#bytes === undefined) throw new TypeError('Response.clone: Body has already been consumed.');
        return new BufferedResponse(this.#init, this.#url).setBody(this.#bytes);
      },
    };
    for (const [name, value] of Object.entries(methods)) {
      Object.defineProperty(BufferedResponse.prototype, name, { value, writable: true, configurable: true });
    }
    Object.defineProperties(BufferedResponse.prototype, {
      url: {
        get(this: BufferedResponse): string {
          return this.#url;
        },
        configurable: true,
      },
      body: {
        get(this: BufferedResponse): ReadableStream<Uint8Array> | null {
          return this.#materialize().body;
        },
        configurable: true,
      },
      bodyUsed: {
        get(this: BufferedResponse): boolean {
          return this.#full === undefined ? this.#bytes === undefined : this.#full.bodyUsed;
        },
        configurable: true,
      },
    });
  }

  #take(): Promise<Uint8Array> {
    const bytes = this.#bytes;
    if (bytes === undefined) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#bytes = undefined;
    return Promise.resolve(bytes);
  }

  // From here on an ordinary Response over the same bytes answers for the body; one whose bytes
  // were already read is consumed at once, so that it reports the body as used.
  #materialize(): Response {
    if (this.#full === undefined) {
      const full = new Response(this.#bytes ?? EMPTY, this.#init);
      if (this.#bytes === undefined) full.arrayBuffer().catch(() => undefined);
      this.#bytes = undefined;
      this.#full = full;
    }
    return this.#full;
  }
}
