// The package panel: signed .rmpkg files (the examples, or any picked or dropped one) are
// verified on this page (WebCrypto) before their module is compiled, then run in their own module.
import { PackageError, describePackage } from "/dist/index.js";
import { audioItem } from "./audio.js";
import { errorObject, pageMessage } from "./errors.js";

const $ = (id) => document.getElementById(id);
const ms = (x) => `${x.toFixed(x >= 100 ? 0 : 1)} ms`;

let openedPackage = null;
let runner = null;
let setState = () => {};

/** A short tone as an audio item, for the transcribe package. */
function toneItem(seconds = 1, rate = 16000) {
  const samples = new Float32Array(seconds * rate);
  for (let i = 0; i < samples.length; ++i) samples[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate);
  return audioItem(samples, rate);
}
const PACKAGE_INPUTS = {
  calculator: () => "[1, 2, 3]",
  "text-processor": () => '[{"text": "Hello from a signed package", "operations": ["uppercase", "word_count"]}]',
  transcribe: () => JSON.stringify([toneItem()]),
};

function showPackageStatus(trust, text) {
  $("package-status").dataset.trust = trust;
  $("package-status").textContent = text;
}

async function loadPackage(source, label) {
  openedPackage = null;
  $("package-run").disabled = true;
  $("package-info").hidden = true;
  $("package-outputs").textContent = "";
  $("package-inputs").value = "";
  showPackageStatus("checking", `checking ${label}…`);
  try {
    const pkg = await runner.openPackage(source);
    const d = describePackage(pkg);
    openedPackage = pkg;
    const trustText = {
      trusted: `Verified: signed by the trusted key ${pkg.signer}.`,
      untrusted: `Intact, signed by key ${pkg.signer}, which this page does not trust.`,
      unsigned: "Intact, but not signed.",
    }[pkg.trust];
    showPackageStatus(pkg.trust, `${label}: ${trustText}`);
    const rows = [
      ["name", d.name ?? "–"],
      ["signer", pkg.signer ?? "none"],
      ["nodes", d.nodes.map((n) => `${n.id} (${n.node_type})`).join(" → ")],
      ["needs", (d.runtime?.features ?? []).join(", ") || "core only"],
      ["files", `${d.files.length}, ${(d.content_bytes / 1024).toFixed(0)} KiB`],
      ["built", `${d.builder?.name ?? "?"} ${d.builder?.version ?? ""}, ${d.created ?? "?"}`],
    ];
    $("package-info").replaceChildren(...rows.map(([k, v]) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      const td = document.createElement("td");
      th.textContent = k;
      td.textContent = v;
      tr.append(th, td);
      return tr;
    }));
    $("package-info").hidden = false;
    $("package-inputs").value = (PACKAGE_INPUTS[d.name] ?? (() => "[1, 2, 3]"))();
    $("package-run").disabled = false;
  } catch (e) {
    const reason = pageMessage(e);
    showPackageStatus("refused", `${label}: refused: ${reason}`);
  }
}

async function runPackage() {
  if (!openedPackage) return;
  $("package-run").disabled = true;
  $("package-outputs").textContent = "running…";
  document.body.dataset.package = "running";
  try {
    const { result, timings } = await runner.runPackage(openedPackage, $("package-inputs").value.trim() || "[]",
      { allowUnsigned: $("package-allow-unsigned").checked });
    $("package-outputs").textContent = JSON.stringify(result.outputs, null, 2);
    window.lastPackageResult = result;
    document.body.dataset.package = "done";
    setState("done", `package done · ${ms(timings.runMs)}`);
  } catch (e) {
    if (e instanceof PackageError) {
      showPackageStatus("refused", `Not run: ${pageMessage(e)}`);
      $("package-outputs").textContent = "Not run.";
    } else {
      $("package-outputs").textContent = `Failed: ${pageMessage(errorObject(e))}`;
    }
    document.body.dataset.package = "error";
  } finally {
    $("package-run").disabled = false;
  }
}

/** Wires the panel to `theRunner`; `onState(state, text)` sets the page's status pill. */
export async function initPackages(theRunner, onState) {
  runner = theRunner;
  setState = onState;
  $("package-load").addEventListener("click", () => {
    const name = $("package-example").value;
    if (name) loadPackage(`/packages/${name}`, name);
  });
  $("package-file").addEventListener("change", (e) => {
    const file = e.target.files[0];
    e.target.value = "";  // picking the same file again fires change again
    if (file) loadPackage(file, file.name);
  });
  $("package-run").addEventListener("click", runPackage);
  const drop = $("package-drop");
  for (const target of [drop, $("packages")]) {
    target.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    target.addEventListener("dragleave", () => drop.classList.remove("over"));
    target.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      const file = e.dataTransfer.files[0];
      if (file) loadPackage(file, file.name);
    });
  }
  try {
    const [packages, key] = await Promise.all([
      fetch("/packages/index.json").then((r) => (r.ok ? r.json() : [])),
      fetch("/packages/keys/demo.pub").then((r) => (r.ok ? r.text() : null)),
    ]);
    if (key) runner.addTrustedKey(key);
    for (const p of packages) $("package-example").append(new Option(`${p.name} (${(p.bytes / 1024).toFixed(0)} KiB)`, p.name));
    document.body.dataset.packages = String(packages.length);
  } catch (e) {
    showPackageStatus("refused", `could not list the example packages: ${e.message}`);
  }
}
