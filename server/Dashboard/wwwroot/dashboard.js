// The Relay dashboard: the public API, polled, drawn with textContent only (names and errors
// come from users and clients, so nothing here is parsed as HTML).
"use strict";

const PageSize = 50;
const RefreshMs = 2000;
const StateLabels = { unreachable: "Unreachable", failed: "Has failed messages", behind: "Behind", upToDate: "Up to date" };

const view = { state: null, name: "", cursors: [null], nextAfter: null, sort: "id", clients: [], openOperation: null,
  // The operation last previewed (what Run queues), and each queued operation's preview, shown beside its progress.
  previewed: null, previews: {} };
const $ = id => document.getElementById(id);

function key() { return sessionStorage.getItem("relay-key") || ""; }

async function api(method, path) {
  const headers = key() ? { "X-Api-Key": key() } : {};
  const response = await fetch(path, { method, headers });
  if (response.status === 401) { throw new Error("The API needs a key: enter it above."); }
  if (response.status === 403) { throw new Error("This key may not do that (its role is too weak)."); }
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok && response.status !== 202) {
    throw new Error(body && (body.detail || body.title) || `HTTP ${response.status}`);
  }
  return body;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) { node.append(child); }
  return node;
}

function age(iso) {
  if (!iso) { return "—"; }
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso.endsWith("Z") ? iso : iso + "Z")) / 1000));
  if (seconds < 90) { return `${seconds} s ago`; }
  if (seconds < 5400) { return `${Math.round(seconds / 60)} min ago`; }
  if (seconds < 172800) { return `${Math.round(seconds / 3600)} h ago`; }
  return `${Math.round(seconds / 86400)} d ago`;
}

function stateBadge(state) {
  return el("span", { className: `state state-${state}`, textContent: StateLabels[state] || state });
}

async function drawStates() {
  const counts = await api("GET", "/clients/states");
  const buttons = [["All", null, counts.total], ...Object.keys(StateLabels).map(s => [StateLabels[s], s, counts[s]])];
  $("states").replaceChildren(...buttons.map(([label, state, count]) => {
    const button = el("button", { type: "button", textContent: `${label}: ${count}` });
    button.dataset.state = state || "all";
    button.setAttribute("aria-pressed", String(view.state === state));
    button.addEventListener("click", () => { view.state = state; firstPage(); });
    return button;
  }));
}

async function drawFleet() {
  // The server sorts the whole fleet and hands back a cursor for the next page.
  const query = new URLSearchParams({ limit: PageSize, sort: view.sort });
  const after = view.cursors[view.cursors.length - 1];
  if (after) { query.set("after", after); }
  if (view.state) { query.set("state", view.state); }
  if (view.name) { query.set("name", view.name); }
  const page = await api("GET", `/clients?${query}`);
  view.clients = page.items;
  view.nextAfter = page.nextAfter;
  for (const header of document.querySelectorAll("th[data-sort]")) {
    header.setAttribute("aria-sort", header.dataset.sort === view.sort ? (header.dataset.direction || "ascending") : "none");
  }
  $("fleet").tBodies[0].replaceChildren(...view.clients.map(c => {
    const row = el("tr", {},
      el("td", { textContent: c.name }),
      el("td", {}, stateBadge(c.state), c.unreachableSince ? el("span", { className: "muted since", textContent: ` for ${age(c.unreachableSince).replace(/ ago$/, "")}` }) : ""),
      el("td", { textContent: String(c.pendingMessages) }),
      el("td", { textContent: age(c.oldestPendingAt) }),
      el("td", { textContent: c.position === null ? "—" : String(c.position), title: c.positionReportedAt ? `reported ${age(c.positionReportedAt)}` : "" }),
      el("td", { textContent: String(c.failedMessages) }),
      el("td", { textContent: age(c.lastContactAt) }),
      el("td", { className: "error", textContent: c.lastError || "" }),
      el("td", { textContent: c.servedBy || "—" }));
    row.dataset.clientId = c.id;
    row.dataset.state = c.state;
    return row;
  }));
  $("next-page").disabled = page.nextAfter === null;
  $("first-page").disabled = view.cursors.length === 1;
}

async function drawOperations() {
  const page = await api("GET", "/operations?limit=10");
  $("operations").replaceChildren(...page.items.map(op => {
    const done = op.clients.total === 0 ? 100 : Math.round(100 * op.clients.done / op.clients.total);
    const bar = el("progress", { max: 100, value: done });
    bar.setAttribute("aria-label", `Operation ${op.id}: ${done} % of clients done`);
    const open = el("button", { type: "button", textContent: "Clients" });
    open.addEventListener("click", () => { view.openOperation = op.id; drawOperationDetail(); });
    const preview = view.previews[op.id];
    const item = el("li", {},
      el("div", {}, el("strong", { textContent: `#${op.id} ${op.kind}` }), ` — ${op.state}, `,
        el("span", { className: "percent", textContent: `${done} %` }), " ", open),
      bar,
      preview ? el("div", { className: "muted preview", textContent: `Previewed: ${preview}` }) : "",
      el("div", { className: "muted", textContent:
        `clients ${op.clients.done}/${op.clients.total} done, ${op.clients.failed} failed · messages ${op.messages.pending} pending, ${op.messages.delivered} delivered, ${op.messages.failed} failed · ${age(op.createdAt)}` }));
    item.dataset.operationId = op.id;
    item.dataset.state = op.state;
    return item;
  }));
}

async function drawOperationDetail() {
  if (view.openOperation === null) { return; }
  const page = await api("GET", `/operations/${view.openOperation}/clients?state=unfinished&limit=${PageSize}`);
  $("operation-detail").hidden = false;
  $("operation-detail-title").textContent = `Operation #${view.openOperation}: lagging or failed clients`;
  $("operation-clients").replaceChildren(...(page.items.length === 0
    ? [el("li", { textContent: "None: every client is done." })]
    : page.items.map(c => el("li", {}, el("strong", { textContent: c.name }), ` — ${c.state}`,
        c.lastError ? el("div", { className: "muted", textContent: c.lastError }) : ""))));
}

async function drawFailed() {
  const page = await api("GET", "/messages?state=failed&limit=50");
  $("failed-empty").hidden = page.items.length > 0;
  $("failed").replaceChildren(...page.items.map(m => {
    const retry = el("button", { type: "button", textContent: "Retry" });
    retry.setAttribute("aria-label", `Retry message ${m.id}`);
    retry.addEventListener("click", () => act("POST", `/messages/${m.id}/retry`, `Message ${m.id} queued again.`));
    const discard = el("button", { type: "button", textContent: "Discard" });
    discard.setAttribute("aria-label", `Discard message ${m.id}`);
    discard.addEventListener("click", () => act("DELETE", `/messages/${m.id}`, `Message ${m.id} discarded.`));
    const item = el("li", {},
      el("div", {}, el("strong", { textContent: `Message ${m.id}` }), ` (${m.kind}, ${m.itemCount} item${m.itemCount === 1 ? "" : "s"}) to client ${m.clientId} `, retry, " ", discard),
      el("div", { className: "muted reason", textContent: m.lastError || "" }));
    item.dataset.messageId = m.id;
    return item;
  }));
}

// The operation the form describes: its method and path, or why it cannot be one.
function formOperation() {
  const ids = { personnel: $("op-personnel").value.trim(), client: $("op-client").value.trim() };
  for (const [what, id] of Object.entries(ids)) {
    if (id !== "" && id.toLowerCase() !== "all" && !/^[1-9][0-9]{0,17}$/.test(id)) {
      return { problem: `The ${what} id must be a positive whole number, or empty for all.` };
    }
  }
  const one = id => id !== "" && id.toLowerCase() !== "all";
  const path = `/clients/${one(ids.client) ? ids.client : "all"}/personnel${one(ids.personnel) ? "/" + ids.personnel : ""}`;
  return { method: $("op-action").value, path };
}

function plural(n, word) { return `${n} ${word}${n === 1 ? "" : "s"}`; }

function bytes(n) { return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`; }

// What a dry run answered, in a sentence.
function describePreview(p) {
  let text = `${plural(p.messages, "message")} to ${plural(p.clients, "client")}`;
  if (p.rows !== null) { text += `, ${plural(p.rows, "row")}`; }
  if (p.bytes !== null) { text += `, about ${bytes(p.bytes)}`; }
  if (p.removes) {
    text += `; removes ${plural(p.removes.total, "row")} held on ${plural(p.removes.clients, "client")}`;
    const most = p.removes.largest[0];
    if (most) { text += ` (most from ${most.name}: ${most.rows})`; }
  }
  return p.note ? `${text}. ${p.note}` : `${text}.`;
}

async function previewOperation() {
  const operation = formOperation();
  view.previewed = null;
  $("op-run").disabled = true;
  if (operation.problem) { $("op-preview-result").textContent = operation.problem; return; }
  try {
    const preview = await api(operation.method, `${operation.path}?dryRun=true`);
    view.previewed = { ...operation, text: describePreview(preview) };
    $("op-preview-result").textContent = `${operation.method === "PUT" ? "Send" : "Delete"} would queue ${view.previewed.text}`;
    $("op-run").disabled = false;
  } catch (e) {
    $("op-preview-result").textContent = e.message;
  }
}

async function runOperation() {
  const previewed = view.previewed;
  if (!previewed) { return; }
  view.previewed = null;
  $("op-run").disabled = true;
  try {
    const operation = await api(previewed.method, previewed.path);
    view.previews[operation.id] = previewed.text;
    $("notice").textContent = `Operation #${operation.id} queued.`;
    $("op-preview-result").textContent = "";
    await refresh();
  } catch (e) {
    $("notice").textContent = e.message;
  }
}

async function act(method, path, done) {
  try {
    await api(method, path);
    $("notice").textContent = done;
    await refresh();
  } catch (e) {
    $("notice").textContent = e.message;
  }
}

function say(text) { $("status").textContent = text; }

let timer = null;
async function refresh() {
  clearTimeout(timer);
  const started = performance.now();
  try {
    await Promise.all([drawStates(), drawFleet(), drawOperations(), drawFailed(), drawOperationDetail()]);
    say(`Updated ${new Date().toLocaleTimeString()}`);
  } catch (e) {
    say(e.message);
  } finally {
    // A large fleet sorted by a counted column costs MySQL a while: the page waits longer, not MySQL.
    timer = setTimeout(refresh, Math.max(RefreshMs, 4 * (performance.now() - started)));
  }
}

function firstPage() { view.cursors = [null]; refresh(); }

document.addEventListener("DOMContentLoaded", () => {
  $("key").value = key();
  $("key-form").addEventListener("submit", e => {
    e.preventDefault();
    sessionStorage.setItem("relay-key", $("key").value.trim());
    refresh();
  });
  let typing = null;
  $("name-filter").addEventListener("input", e => {
    clearTimeout(typing);
    typing = setTimeout(() => { view.name = e.target.value.trim(); firstPage(); }, 300);
  });
  $("next-page").addEventListener("click", () => {
    if (view.nextAfter !== null) { view.cursors.push(view.nextAfter); refresh(); }
  });
  $("first-page").addEventListener("click", firstPage);
  $("op-preview").addEventListener("click", previewOperation);
  $("operation-form").addEventListener("submit", e => { e.preventDefault(); runOperation(); });
  // Run queues what was previewed: a changed form needs a new preview first.
  for (const input of ["op-action", "op-personnel", "op-client"]) {
    $(input).addEventListener("input", () => { view.previewed = null; $("op-run").disabled = true; });
  }
  for (const header of document.querySelectorAll("th[data-sort]")) {
    header.querySelector("button").addEventListener("click", () => {
      view.sort = view.sort === header.dataset.sort ? "id" : header.dataset.sort;
      firstPage();
    });
  }
  refresh();
});
