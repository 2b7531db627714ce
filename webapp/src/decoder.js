// The barcode decoder, loaded only when the camera starts (a separate chunk): the
// webview's own BarcodeDetector when it reads our formats, otherwise ZXing compiled to
// WebAssembly (zxing-wasm), whose .wasm file is served by the bot's own server.
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";

const NATIVE_FORMATS = ["ean_13", "ean_8", "upc_a", "upc_e", "qr_code"];
const ZXING_FORMATS = ["EAN13", "EAN8", "UPCA", "UPCE", "QRCode"];

async function nativeDetector() {
  if (!("BarcodeDetector" in globalThis)) return null;
  try {
    const supported = await globalThis.BarcodeDetector.getSupportedFormats();
    const formats = NATIVE_FORMATS.filter((f) => supported.includes(f));
    if (!formats.includes("ean_13")) return null;
    const detector = new globalThis.BarcodeDetector({ formats });
    return {
      kind: "native",
      async detect(imageData) {
        const found = await detector.detect(imageData);
        return found.map((b) => ({ text: b.rawValue, format: b.format }));
      },
    };
  } catch {
    return null;
  }
}

async function zxingDetector(wasmUrl) {
  await prepareZXingModule({
    overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasmUrl : prefix + path) },
    fireImmediately: true,
  });
  const options = { formats: ZXING_FORMATS, tryHarder: true, maxNumberOfSymbols: 2, textMode: "Plain" };
  return {
    kind: "zxing-wasm",
    async detect(imageData) {
      const found = await readBarcodes(imageData, options);
      return found.filter((r) => r.isValid).map((r) => ({ text: r.text, format: r.format }));
    },
  };
}

export async function createDecoder(wasmUrl, { preferNative = true } = {}) {
  return (preferNative && (await nativeDetector())) || zxingDetector(wasmUrl);
}
