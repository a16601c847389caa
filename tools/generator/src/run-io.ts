/** What a generator run writes to and listens on (the CLI's streams, or a test's). */
export interface RunIo {
  /** Receives the summary document (one JSON text). */
  stdout: (text: string) => void;
  /** Receives progress and notices, one line per call. */
  stderr: (line: string) => void;
  /** Aborting ends the run early; the summary then covers what was sent so far. */
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Serve mode: called with the base URL once the pull API listens. */
  onListening?: (url: string) => void;
}
