// Errors shown in place: each panel has its own box, filled from the runtime's error object.
// Messages written for the command line point at its flags ("pass --allow-unsigned"); the page
// says what to do on the page instead, or leaves the hint out.

/** Page wording for errors whose CLI message names a flag. */
const PAGE_HINTS = {
  untrusted_package: "tick “run unsigned or untrusted packages too” to run it anyway",
};

/** The message without its command-line hints ("(… --flag …)"), with the page's hint if it has one. */
export function pageMessage(error) {
  let message = String(error?.message ?? error).replace(/\s*\([^()]*\s-{1,2}[a-z][^()]*\)/g, "");
  if (PAGE_HINTS[error?.code]) message += `: ${PAGE_HINTS[error.code]}`;
  return message;
}

/** Fills `box` (an .error element) with `error` ({message, field, node, line, column, ...}); shows it. */
export function showError(box, error) {
  box.hidden = false;
  box.replaceChildren();
  const title = document.createElement("div");
  title.className = "message";
  title.textContent = pageMessage(error);
  box.append(title);
  const where = [];
  if (error.field) where.push(`field: ${error.field}`);
  if (error.node) where.push(`node: ${error.node}`);
  if (error.line) where.push(`line ${error.line}, column ${error.column}`);
  if (error.suggestion && !error.message.includes("did you mean")) where.push(`did you mean “${error.suggestion}”?`);
  if (error.code) where.push(`code: ${error.code}`);
  if (where.length) {
    const detail = document.createElement("div");
    detail.className = "where";
    detail.textContent = where.join(" · ");
    box.append(detail);
  }
}

export function clearError(box) {
  box.hidden = true;
  box.replaceChildren();
}

/** The runtime's error object of a RemoteMediaError, or one made from any other failure. */
export const errorObject = (e) => e?.error ?? { message: String(e?.message ?? e) };
