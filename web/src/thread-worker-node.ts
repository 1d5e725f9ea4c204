// A Node worker_thread holding one thread of the threads build (threads.ts); started by node.ts.
import { parentPort } from "node:worker_threads";
import { serveThreads, type ThreadInit } from "./threads.js";

parentPort!.once("message", (init: ThreadInit) => void serveThreads(init, (m) => parentPort!.postMessage(m)));
