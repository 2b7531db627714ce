// Barcode digits: GS1 check digits, UPC-E expansion and the two-frame agreement rule.
// A misread shows a wrong product, which is worse than no read: a code is accepted only
// when its check digit is right and two frames close together read the same value.

export function checkDigit(payload) {
  let sum = 0;
  for (let i = payload.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += Number(payload[i]) * w;
  return (10 - (sum % 10)) % 10;
}

export function validGtin(digits) {
  if (!/^\d+$/.test(digits) || ![8, 12, 13, 14].includes(digits.length)) return false;
  return checkDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}

// UPC-E (8 digits, number system 0 or 1) to the 12-digit UPC-A it stands for.
export function upcEToUpcA(upce) {
  if (!/^[01]\d{7}$/.test(upce)) return null;
  const [ns, d, check] = [upce[0], upce.slice(1, 7), upce[7]];
  const last = Number(d[5]);
  let body;
  if (last <= 2) body = d.slice(0, 2) + d[5] + "0000" + d.slice(2, 5);
  else if (last === 3) body = d.slice(0, 3) + "00000" + d.slice(3, 5);
  else if (last === 4) body = d.slice(0, 4) + "00000" + d[4];
  else body = d.slice(0, 5) + "0000" + d[5];
  return ns + body + check;
}

const LINEAR = { EAN13: "ean13", EAN8: "ean8", UPCA: "upca", UPCE: "upce",
  ean_13: "ean13", ean_8: "ean8", upc_a: "upca", upc_e: "upce" };

// A decoder result -> {code, format} for the API, or null when it cannot be right.
export function accept(text, rawFormat) {
  const value = (text || "").trim();
  const format = LINEAR[rawFormat] || (/qr/i.test(rawFormat) ? "qr" : null);
  if (!format || !value) return null;
  if (format === "qr") return { code: value, format };
  if (format === "upce") {
    const short = value.length === 8 ? value : null;
    const upca = short ? upcEToUpcA(short) : value.length === 12 ? value : value.slice(-12);
    return upca && validGtin(upca) ? { code: short || upca, format } : null;
  }
  return validGtin(value) ? { code: value, format } : null;
}

// Two reads of the same value within `windowMs` make a code; anything else resets.
export class Agreement {
  constructor(needed = 2, windowMs = 1500) {
    this.needed = needed;
    this.windowMs = windowMs;
    this.reset();
  }
  reset() {
    this.value = null;
    this.count = 0;
    this.first = 0;
  }
  // Returns the agreed {code, format, since} once, else null.
  add(read, at) {
    if (!read) return null;
    if (this.value && this.value.code === read.code && at - this.last <= this.windowMs) {
      this.count += 1;
    } else {
      this.value = read;
      this.count = 1;
      this.first = at;
    }
    this.last = at;
    if (this.count >= this.needed) {
      const done = { ...this.value, since: this.first };
      this.reset();
      return done;
    }
    return null;
  }
}
