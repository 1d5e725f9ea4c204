// A Web Worker holding one thread of the threads build (threads.ts); started by worker.ts.
import { serveThreads, type ThreadInit } from "./threads.js";

self.onmessage = (event: MessageEvent<ThreadInit>) => {
  void serveThreads(event.data, (m) => (self as unknown as Worker).postMessage(m));
};
