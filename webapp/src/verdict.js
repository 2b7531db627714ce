// The verdict from the offline snapshot: the same rules as the server's catalog/verdict.py
// (which certificate decides, judged against the phone's own date) and the same
// templates from the message catalogs, so offline and online answers read alike.

const EXPIRING_DAYS = 60;
const RANK = { valid: 0, expiring: 1, unknown: 2, not_yet: 3, expired: 4 };
const STATUS = { valid: "certified", unknown: "unconfirmed", expiring: "expiring", not_yet: "not_yet", expired: "expired" };

const ymd = (s) => (s ? new Date(Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8))) : null);

export function localDay(now = new Date()) {
  // Hà Nội's calendar date, whatever the phone's time zone.
  const hanoi = new Date(now.getTime() + 7 * 3600 * 1000);
  return new Date(Date.UTC(hanoi.getUTCFullYear(), hanoi.getUTCMonth(), hanoi.getUTCDate()));
}

function validity(from, until, today) {
  if (from && today < from) return "not_yet";
  if (!until) return "unknown";
  if (today > until) return "expired";
  if ((until - today) / 86400000 <= EXPIRING_DAYS) return "expiring";
  return "valid";
}

export function parseSnapshot(doc) {
  const rows = new Map();
  for (const line of doc.items.split("\n")) {
    const cut = line.indexOf("|");
    rows.set(cut < 0 ? line : line.slice(0, cut), cut < 0 ? "" : line.slice(cut + 1));
  }
  return { date: doc.date, labels: doc.labels, rows };
}

export function offlineVerdict(snapshot, gtin, today) {
  if (!snapshot.rows.has(gtin)) return { status: "not_found" };
  const certs = snapshot.rows.get(gtin).split("|").filter(Boolean).map((part) => {
    const [label, number, from, until] = part.split(",");
    const c = { label, number, from: ymd(from), until: ymd(until) };
    c.validity = validity(c.from, c.until, today);
    return c;
  });
  if (!certs.length) return { status: "no_label" };
  const key = (c) => {
    let ord = c.until ? c.until.getTime() : 1e15;
    if (c.validity === "not_yet" && c.from) ord = -c.from.getTime();
    return [RANK[c.validity], -ord];
  };
  certs.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1];
  });
  const best = certs[0];
  return { status: STATUS[best.validity], cert: best };
}

const pad = (n) => String(n).padStart(2, "0");

export function verdictText(v, snapshot, texts, locale) {
  if (!v.cert) return texts[`verdict.${v.status}`];
  const names = snapshot.labels[Number(v.cert.label)];
  const label = names ? names[locale === "vi" ? 1 : 2] : "";
  const when = v.status === "not_yet" ? v.cert.from : v.cert.until;
  const date = when ? `${pad(when.getUTCMonth() + 1)}/${when.getUTCFullYear()}` : "";
  const line = fill(texts[`verdict.${v.status}`], { label, date });
  return v.cert.number ? `${line} · ${v.cert.number}` : line;
}

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : `{${k}}`));
}
