// A Web Worker holding one wasm thread of wasm_threads_poc.wasm (run-chromium.mjs).
import { firstThread, otherThread } from "./host.js";

let x;
const writeErr = (b) => console.error(new TextDecoder().decode(b));
onmessage = async ({ data: m }) => {
  if (m.first) {
    const first = await firstThread(m.module, m.memory, m.threads, m.shape, writeErr);
    x = first.x;
    postMessage({ others: first.others });
  } else if (m.slot) {
    x = await otherThread(m.module, m.memory, m.slot, writeErr);
    postMessage("ready");
  } else if (m.checksum) {
    postMessage(x.checksum());
  } else {
    x.work(m.ith, m.nth);
    postMessage("done");
  }
};
