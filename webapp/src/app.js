// The live-scanning page: camera, decoder, verdict over the camera, fallbacks, offline.
import { Agreement, accept, upcEToUpcA } from "./codes.js";
import { fill, localDay, offlineVerdict, parseSnapshot, verdictText } from "./verdict.js";

const TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js";
const API = new URL("../api/v1/", location.href);
const WASM_URL = new URL(__ZXING_WASM__, import.meta.url).href; // hashed asset, set by build.mjs
const LOOKUP_TIMEOUT_MS = 4000;
const SNAPSHOT_CACHE = "ecolabel-snapshot";
const MAX_SIDE = 1280; // frames are scaled down to this before decoding

const $ = (id) => document.getElementById(id);
const ALL_TEXTS = JSON.parse($("page-texts").textContent);
const bench = (window.__ecoBench = { frames: 0 });

const state = {
  tg: null, // Telegram.WebApp inside Telegram
  locale: "vi",
  texts: ALL_TEXTS.vi,
  decoder: null,
  stream: null,
  scanning: false,
  torch: false,
  last: null, // last lookup {code, format}
  snapshot: null,
  agreement: new Agreement(2, 1500),
};

const t = (key, values = {}) => fill(state.texts[`webapp.${key}`] ?? key, values);

// ---- start-up -------------------------------------------------------------------------
async function start() {
  // Telegram opens the page with launch parameters in the hash; from a keyboard button
  // they carry no signed data, so such a page is anonymous (with its language in ?lang=).
  const inTelegram = /tgWebApp(Data|Version|Platform)=/.test(location.hash);
  if (inTelegram) await loadTelegram();
  state.locale = await pickLocale();
  state.texts = ALL_TEXTS[state.locale];
  document.documentElement.lang = state.locale;
  applyTexts();
  wireControls();
  state.decoderLoading = loadDecoder();
  startCamera();
  refreshSnapshot();
  keepShell();
}

// Keep the page and its assets for opening without a signal (served by sw.js).
async function keepShell() {
  if (!("serviceWorker" in navigator) || !("caches" in window)) return;
  try {
    await navigator.serviceWorker.register("sw.js");
    await navigator.serviceWorker.ready;
    await state.decoderLoading; // so the decoder is in the copy too
    const assets = performance
      .getEntriesByType("resource")
      .map((e) => e.name)
      .filter((u) => u.startsWith(new URL("assets/", location.href).href));
    const cache = await caches.open("ecolabel-shell");
    await cache.addAll([new URL("./", location.href).href, ...new Set(assets)]);
    bench.shellKept = performance.now();
  } catch (err) {
    console.warn("offline copy", err);
  }
}

function loadTelegram() {
  return new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = TELEGRAM_SCRIPT;
    script.onload = () => {
      const tg = window.Telegram && window.Telegram.WebApp;
      if (tg) {
        state.tg = tg;
        tg.ready();
        tg.expand();
        applyTheme(tg.themeParams || {});
        tg.onEvent("themeChanged", () => applyTheme(tg.themeParams || {}));
      }
      resolve();
    };
    script.onerror = () => resolve(); // outside Telegram's reach: run as a plain page
    document.head.append(script);
  });
}

function applyTheme(p) {
  const map = {
    bg_color: "--bg", text_color: "--text", hint_color: "--hint", link_color: "--link",
    button_color: "--button", button_text_color: "--button-text",
    secondary_bg_color: "--secondary-bg", destructive_text_color: "--bad",
  };
  for (const [key, css] of Object.entries(map)) {
    if (/^#[0-9a-f]{3,8}$/i.test(p[key] || "")) document.documentElement.style.setProperty(css, p[key]);
  }
}

async function pickLocale() {
  // Inside Telegram with signed data the server knows the shopper's stored language.
  if (signed()) {
    try {
      const me = await api("me");
      if (me.ok) return (await me.json()).locale;
    } catch {
      /* offline: fall through */
    }
  }
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "vi" || asked === "en") return asked;
  const code = (state.tg && state.tg.initDataUnsafe?.user?.language_code) || navigator.language || "vi";
  return code.toLowerCase().startsWith("vi") ? "vi" : "en";
}

function applyTexts() {
  document.title = t("title");
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of document.querySelectorAll("[data-t-placeholder]")) el.placeholder = t(el.dataset.tPlaceholder);
}

// ---- API ------------------------------------------------------------------------------
const signed = () => Boolean(state.tg && state.tg.initData);

function api(path, { params = {}, method = "GET", body, timeout = LOOKUP_TIMEOUT_MS } = {}) {
  const url = new URL(path, API);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) url.searchParams.set(k, v);
  if (!signed()) url.searchParams.set("lang", state.locale);
  const headers = { Accept: "application/json" };
  if (signed()) headers.Authorization = `tma ${state.tg.initData}`;
  if (body) headers["Content-Type"] = "application/json";
  return fetch(url, {
    method, headers, body: body && JSON.stringify(body), signal: AbortSignal.timeout(timeout),
  });
}

// ---- camera and decoding --------------------------------------------------------------
async function startCamera() {
  setStatus(t("starting"));
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch {
    setStatus(t("no_camera"));
    document.body.classList.add("no-camera");
    return;
  }
  const video = $("video");
  video.srcObject = state.stream;
  await video.play().catch(() => {});
  const track = state.stream.getVideoTracks()[0];
  const caps = track.getCapabilities ? track.getCapabilities() : {};
  $("torch").hidden = !caps.torch;
  await state.decoderLoading;
  if (!state.decoder) return;
  bench.decoderReady = performance.now();
  setStatus(t("aim"));
  state.scanning = true;
  scanLoop();
}

async function loadDecoder() {
  if (state.decoder) return state.decoder;
  try {
    const { createDecoder } = await import("./decoder.js");
    state.decoder = await createDecoder(WASM_URL);
    bench.decoder = state.decoder.kind;
  } catch (err) {
    console.error("decoder", err);
    setStatus(t("no_camera"));
  }
  return state.decoder;
}

function frameImage(source, width, height) {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const canvas = frameImage.canvas || (frameImage.canvas = document.createElement("canvas"));
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

async function scanLoop() {
  const video = $("video");
  while (state.scanning) {
    if (video.readyState >= 2 && video.videoWidth) {
      const at = performance.now();
      bench.frames += 1;
      bench.firstFrame ??= at;
      let found = [];
      try {
        found = await state.decoder.detect(frameImage(video, video.videoWidth, video.videoHeight));
      } catch (err) {
        console.warn("decode", err);
      }
      const read = found.map((r) => accept(r.text, r.format)).find(Boolean) || null;
      if (read) bench.firstRead ??= at;
      const agreed = state.scanning ? state.agreement.add(read, at) : null;
      if (agreed) {
        state.scanning = false;
        bench.agreedFrom = agreed.since;
        onCode(agreed);
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 30));
  }
}

function resumeScanning() {
  hideResult();
  $("manual-form").hidden = true; // back to the camera
  $("manual-input").value = "";
  state.agreement.reset();
  if (state.decoder && state.stream && !state.scanning) {
    state.scanning = true;
    setStatus(t("aim"));
    scanLoop();
  }
}

async function toggleTorch() {
  const track = state.stream && state.stream.getVideoTracks()[0];
  if (!track) return;
  state.torch = !state.torch;
  try {
    await track.applyConstraints({ advanced: [{ torch: state.torch }] });
  } catch {
    state.torch = false;
  }
  $("torch").classList.toggle("on", state.torch);
}

// ---- a code was read ------------------------------------------------------------------
function feedback() {
  if (state.tg?.HapticFeedback) state.tg.HapticFeedback.notificationOccurred("success");
  else if (navigator.vibrate) navigator.vibrate(40);
  const flash = $("flash");
  flash.classList.remove("go");
  void flash.offsetWidth; // restart the animation
  flash.classList.add("go");
}

async function onCode(read) {
  feedback();
  await lookup(read);
}

async function lookup(read, where = null) {
  state.last = read;
  showResult({ verdict: t("code", { code: read.code }), status: "pending" });
  let answer;
  try {
    answer = await api("lookup", { params: { code: read.code, format: read.format, ...(where || {}) } });
  } catch {
    return offlineAnswer(read);
  }
  if (answer.status >= 500) return offlineAnswer(read);
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    showResult({ verdict: body.text || t("error"), status: "error" });
    return;
  }
  renderLookup(body);
}

function renderLookup(body) {
  showResult({ verdict: body.verdict.text, status: body.verdict.status, code: body.code });
  bench.verdictShown ??= performance.now();
  const details = $("details");
  details.replaceChildren();
  if (body.card) details.append(cardDetails(body.card));
  if (body.note) details.append(el("p", "note", body.note));
  $("details-box").hidden = !details.childElementCount;
  $("where").hidden = !body.card;
  $("report").hidden = !(body.can_report || (state.tg && !body.found && /^\d{8,14}$/.test(body.code)));
  const stores = $("stores");
  stores.replaceChildren();
  stores.hidden = true;
  state.stores = body.stores || [];
}

function cardDetails(card) {
  const box = el("div", "card");
  box.append(el("h2", "", card.name));
  const who = [card.brand, card.producer].filter(Boolean).join(" · ");
  if (who) box.append(el("p", "hint", who));
  for (const label of card.labels) {
    const item = el("div", `label ${label.validity}`);
    item.append(el("strong", "", label.name + (label.detail ? ` (${label.detail})` : "")));
    const facts = [label.certificate_no, label.certifier].filter(Boolean).join(" · ");
    if (facts) item.append(el("p", "hint", facts));
    item.append(el("p", "", label.validity_text));
    if (label.meaning) item.append(el("p", "meaning", label.meaning));
    box.append(item);
  }
  if (card.sample) box.append(el("p", "hint", t("sample")));
  return box;
}

function renderStores() {
  const list = $("stores");
  list.replaceChildren();
  if (!state.stores.length) list.append(el("p", "hint", t("stores_none")));
  for (const s of state.stores) {
    const item = el("div", "store");
    item.append(el("strong", "", s.name + (s.distance ? ` · ${s.distance}` : "")));
    item.append(el("p", "hint", `${s.kind} · ${s.address}`));
    if (s.hours || s.bags) item.append(el("p", "hint", [s.hours, s.bags].filter(Boolean).join(" · ")));
    list.append(item);
  }
  const near = el("button", "secondary", t("near_me"));
  near.type = "button";
  near.addEventListener("click", nearestFirst);
  if (state.stores.length > 1) list.append(near);
  list.hidden = false;
}

function nearestFirst() {
  if (!navigator.geolocation || !state.last) return;
  navigator.geolocation.getCurrentPosition(
    async (pos) => {
      await lookup(state.last, { lat: pos.coords.latitude.toFixed(5), lon: pos.coords.longitude.toFixed(5) });
      renderStores();
    },
    () => {},
    { timeout: 8000, maximumAge: 300000 },
  );
}

async function report() {
  if (!signed() && state.tg && state.tg.sendData) {
    // Opened from the 📷 keyboard button: no signed data for the API, so the report goes
    // to the chat, which thanks the shopper and asks for a photo of the pack.
    state.tg.sendData(JSON.stringify({ report: state.last.code }));
    return;
  }
  if (!signed()) {
    showNote(t("report_in_telegram"));
    return;
  }
  try {
    const answer = await api("report", { method: "POST", body: { code: state.last.code } });
    const body = await answer.json();
    showNote(body.text || t("error"));
    if (answer.ok) $("report").hidden = true;
  } catch {
    showNote(t("error"));
  }
}

// ---- offline --------------------------------------------------------------------------
async function refreshSnapshot() {
  if (!("caches" in window)) return;
  try {
    const cache = await caches.open(SNAPSHOT_CACHE);
    const kept = await cache.match("snapshot");
    const headers = kept && kept.headers.get("ETag") ? { "If-None-Match": kept.headers.get("ETag") } : {};
    const answer = await fetch(new URL("snapshot", API), { headers, signal: AbortSignal.timeout(30000) });
    if (answer.status === 200) {
      await cache.put("snapshot", answer.clone());
      state.snapshot = parseSnapshot(await answer.json());
    }
  } catch {
    /* no signal: the copy we have is used when needed */
  }
  bench.snapshotReady = performance.now();
}

async function loadSnapshot() {
  if (state.snapshot) return state.snapshot;
  if (!("caches" in window)) return null;
  try {
    const kept = await (await caches.open(SNAPSHOT_CACHE)).match("snapshot");
    if (kept) state.snapshot = parseSnapshot(await kept.json());
  } catch {
    return null;
  }
  return state.snapshot;
}

async function offlineAnswer(read) {
  const snapshot = await loadSnapshot();
  const gtin = toGtin(read);
  if (!snapshot || !gtin) {
    showResult({ verdict: t("offline_none"), status: "error" });
    return;
  }
  const v = offlineVerdict(snapshot, gtin, localDay());
  showResult({ verdict: verdictText(v, snapshot, state.texts, state.locale), status: v.status, code: gtin });
  bench.verdictShown ??= performance.now();
  const [y, m, d] = snapshot.date.split("-");
  $("details").replaceChildren(el("p", "offline", t("offline", { date: `${d}/${m}/${y}` })));
  $("details-box").hidden = false;
  $("details-box").open = true;
  $("where").hidden = true;
  $("report").hidden = true;
}

function toGtin(read) {
  if (read.format === "qr") {
    const m = /\/01\/(\d{14})(?:[/?#]|$)/.exec(read.code);
    if (!m) return null;
    return m[1].startsWith("0") ? m[1].slice(1) : m[1];
  }
  const digits = read.code;
  if (read.format === "upce") {
    const upca = upcEToUpcA(digits); // the catalog keeps UPC-E products as GTIN-13
    return upca ? `0${upca}` : null;
  }
  if (digits.length === 8) return digits;
  const as14 = digits.padStart(14, "0");
  return as14.startsWith("0") ? as14.slice(1) : as14;
}

// ---- fallbacks: typed digits or a name, a photo ---------------------------------------
async function manualSubmit(event) {
  event.preventDefault();
  const value = $("manual-input").value.trim();
  if (!value) return;
  $("manual-input").blur();
  state.scanning = false;
  const digits = value.replace(/[\s-]/g, "");
  if (/^\d{8,14}$/.test(digits)) {
    const read = accept(digits, digits.length === 8 ? "EAN8" : "EAN13");
    if (!read) {
      showResult({ verdict: t("bad_check", { code: digits }), status: "error" });
      return;
    }
    return lookup(read);
  }
  if (value.length < 2) return;
  showResult({ verdict: "…", status: "pending" });
  try {
    const answer = await api("search", { params: { q: value } });
    const body = await answer.json();
    if (!answer.ok) return showResult({ verdict: body.text || t("error"), status: "error" });
    renderSearch(body);
  } catch {
    showResult({ verdict: t("error"), status: "error" });
  }
}

function renderSearch(body) {
  const heading = body.results.length ? t("results", { query: body.query }) : t("no_results", { query: body.query });
  showResult({ verdict: heading, status: "list" });
  const list = $("details");
  list.replaceChildren();
  for (const card of body.results) {
    const item = el("button", "result", "");
    item.type = "button";
    item.append(el("strong", "", card.name), el("span", `v ${card.verdict.status}`, card.verdict.text));
    item.addEventListener("click", () => card.gtin && lookup({ code: card.gtin, format: "ean13" }));
    list.append(item);
  }
  $("details-box").hidden = !body.results.length;
  $("details-box").open = true;
  $("where").hidden = true;
  $("report").hidden = true;
}

async function photoChosen(event) {
  const file = event.target.files && event.target.files[0];
  event.target.value = "";
  if (!file) return;
  state.scanning = false;
  showResult({ verdict: "…", status: "pending" });
  const decoder = await state.decoderLoading;
  if (!decoder) return showResult({ verdict: t("photo_nothing"), status: "error" });
  try {
    const bitmap = await createImageBitmap(file);
    const found = await decoder.detect(frameImage(bitmap, bitmap.width, bitmap.height));
    bitmap.close();
    const read = found.map((r) => accept(r.text, r.format)).find(Boolean);
    if (read) return onCode(read);
  } catch (err) {
    console.warn("photo", err);
  }
  showResult({ verdict: t("photo_nothing"), status: "error" });
}

// ---- view helpers ---------------------------------------------------------------------
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function setStatus(text) {
  $("status").textContent = text;
}

function showResult({ verdict, status, code }) {
  const sheet = $("result");
  sheet.hidden = false;
  const line = $("verdict");
  line.textContent = verdict;
  line.dataset.status = status;
  $("code").textContent = code ? t("code", { code }) : "";
  $("details-box").hidden = true;
  $("details-box").open = false;
  $("where").hidden = true;
  $("report").hidden = true;
  $("stores").hidden = true;
  $("note").hidden = true;
  document.body.classList.add("has-result");
}

function showNote(text) {
  $("note").textContent = text;
  $("note").hidden = false;
}

function hideResult() {
  $("result").hidden = true;
  document.body.classList.remove("has-result");
}

function wireControls() {
  $("next").addEventListener("click", resumeScanning);
  $("torch").addEventListener("click", toggleTorch);
  $("where").addEventListener("click", renderStores);
  $("report").addEventListener("click", report);
  $("manual-form").addEventListener("submit", manualSubmit);
  $("manual-toggle").addEventListener("click", () => {
    const form = $("manual-form");
    form.hidden = !form.hidden;
    if (!form.hidden) $("manual-input").focus();
  });
  $("photo-input").addEventListener("change", photoChosen);
}

start();
