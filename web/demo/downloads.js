// One progress row per large download: the runner's "download" events (the Python-enabled module,
// its stdlib) and the page's model fetches report here. The stdlib's files share one row. A row
// stays once done, saying whether the bytes were downloaded or came from the page's cache.

const rows = new Map();  // row key -> { element, parts: Map(url -> progress) }

const rowKey = (url) => (new URL(url, location.href).pathname.startsWith("/python-usr/") ? "Python stdlib" : new URL(url, location.href).pathname.split("/").pop());
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

/** A DownloadProgress ({url, loaded, total, cached, done}) into its row. */
export function showDownload(p) {
  const box = document.getElementById("downloads");
  const key = rowKey(p.url);
  let row = rows.get(key);
  if (!row) {
    const element = document.createElement("div");
    element.className = "download";
    element.dataset.name = key;
    element.innerHTML = `<span class="name"></span><progress max="1" value="0"></progress><span class="amount"></span>`;
    element.querySelector(".name").textContent = key;
    box.append(element);
    row = { element, parts: new Map() };
    rows.set(key, row);
  }
  row.parts.set(p.url, p);
  const parts = [...row.parts.values()];
  const loaded = parts.reduce((n, q) => n + q.loaded, 0);
  const total = parts.reduce((n, q) => n + q.total, 0);
  const done = parts.every((q) => q.done);
  const cached = done && parts.every((q) => q.cached);
  const bar = row.element.querySelector("progress");
  if (total > 0) {
    bar.max = total;
    bar.value = loaded;
  } else bar.removeAttribute("value");  // indeterminate while the size is unknown
  row.element.dataset.state = cached ? "cached" : done ? "downloaded" : "downloading";
  row.element.querySelector(".amount").textContent = cached ? `${mb(total)}, from the cache` : done ? `${mb(total)}, downloaded`
    : total > 0 ? `${mb(loaded)} of ${mb(total)}` : mb(loaded);
  box.hidden = false;
}
