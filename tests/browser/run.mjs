// The officer's page in headless Debian chromium, driven by playwright-core
// (tests/service.rs `the_page_in_a_real_browser` runs this with a running service).
//
//   node run.mjs URL WORKDIR HEALTHPASS_BINARY ARTEFACT_DIR
//
// 1. post flow: the page makes a request, the wallet (`present --request-url --post`)
//    answers it, the page shows ACCEPTED;
// 2. camera flow: the page makes a request, the wallet writes its presentation's QR code,
//    which becomes the fake camera's video (y4m); the page scans it and shows ACCEPTED;
// 3. replay: the page scans the same presentation again and shows the replay rejection.
// A screenshot of each verdict is saved in ARTEFACT_DIR.
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";

const [url, workdir, binary, artefacts] = process.argv.slice(2);
mkdirSync(artefacts, { recursive: true });
const y4m = join(workdir, "camera.y4m");

function wallet(args) {
  return execFileSync(binary, ["present", "--credential", "cred.json", "--params-store", "wallet", ...args], {
    cwd: workdir,
    encoding: "utf8",
  });
}

// Our QR PNGs: 8-bit greyscale, not interlaced (presentation::qr::Qr::to_png).
function readGreyPng(bytes) {
  let pos = 8;
  let width = 0, height = 0;
  const idat = [];
  while (pos < bytes.length) {
    const len = bytes.readUInt32BE(pos);
    const type = bytes.toString("ascii", pos + 4, pos + 8);
    const data = bytes.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 0 || data[12] !== 0) throw new Error("not an 8-bit grey PNG");
    } else if (type === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const out = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (width + 1)];
    const row = raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1));
    for (let x = 0; x < width; x++) {
      const a = x > 0 ? out[y * width + x - 1] : 0;
      const b = y > 0 ? out[(y - 1) * width + x] : 0;
      const c = x > 0 && y > 0 ? out[(y - 1) * width + x - 1] : 0;
      let p = row[x];
      if (f === 1) p += a;
      else if (f === 2) p += b;
      else if (f === 3) p += (a + b) >> 1;
      else if (f === 4) {
        const q = a + b - c, pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c);
        p += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * width + x] = p & 255;
    }
  }
  return { width, height, pixels: out };
}

// A y4m video (4:2:0) of the QR code centred on a white 1280x720 frame, a few frames long
// (chromium loops it).
function writeY4m(png, path) {
  const W = 1280, H = 720;
  const { width, height, pixels } = readGreyPng(png);
  const scale = Math.max(1, Math.floor(Math.min(W / width, H / height)));
  const ox = Math.floor((W - width * scale) / 2), oy = Math.floor((H - height * scale) / 2);
  const yPlane = Buffer.alloc(W * H, 235);
  for (let y = 0; y < height * scale; y++)
    for (let x = 0; x < width * scale; x++)
      yPlane[(oy + y) * W + ox + x] = pixels[Math.floor(y / scale) * width + Math.floor(x / scale)] < 128 ? 16 : 235;
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const parts = [Buffer.from(`YUV4MPEG2 W${W} H${H} F5:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < 5; i++) parts.push(Buffer.from("FRAME\n"), yPlane, chroma, chroma);
  writeFileSync(path, Buffer.concat(parts));
}

async function newRequest(page) {
  const before = await page.getAttribute("#request-id", "data-id");
  await page.click("#new-request");
  await page.waitForFunction(
    (old) => { const id = document.getElementById("request-id").getAttribute("data-id"); return id && id !== old; },
    before,
  );
  const id = await page.getAttribute("#request-id", "data-id");
  await page.waitForFunction(() => document.getElementById("request-qr").complete);
  return id;
}

async function verdict(page, expected, shot) {
  await page.waitForSelector(`#verdict-banner[data-verdict="${expected}"]`, { timeout: 30000 });
  await page.screenshot({ path: join(artefacts, shot), fullPage: true });
  return {
    banner: await page.textContent("#verdict-banner"),
    error: await page.getAttribute("#verdict-banner", "data-error"),
    details: await page.textContent("#verdict-details"),
    reason: await page.textContent("#verdict-reason"),
  };
}

const checks = [];
function check(ok, what) {
  checks.push([ok, what]);
  console.log(`${ok ? "ok" : "FAILED"}: ${what}`);
}

// The fake camera's file is read when the camera opens: a placeholder until the QR exists.
writeFileSync(y4m, "");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${y4m}`,
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 1100 } });
  page.on("pageerror", (e) => check(false, `no page error (${e.message})`));
  const outside = [];
  page.on("request", (r) => { if (!r.url().startsWith(url)) outside.push(r.url()); });
  await page.goto(url);
  await page.waitForSelector("#policy option", { state: "attached" });

  // 1. The post flow.
  let id = await newRequest(page);
  await page.screenshot({ path: join(artefacts, "request.png"), fullPage: true });
  const said = wallet(["--request-url", `${url}/v1/requests/${id}`, "--post", "--compact", "post.bin"]);
  check(said.includes("ACCEPTED"), "the wallet's post is accepted");
  let v = await verdict(page, "accepted", "post-accepted.png");
  check(v.banner === "ACCEPTED", "post flow: the page shows ACCEPTED");
  check(v.details.includes("Comirnaty") && v.details.includes("vaccination"), "post flow: type and display name shown");
  check(!/Lovelace|1815|URN:UVCI/.test(await page.content()), "nothing personal beyond the disclosed value");

  // 2. The camera flow: a new request, its presentation's QR code as the camera's video.
  id = await newRequest(page);
  wallet(["--request-url", `${url}/v1/requests/${id}`, "--qr", "camera.png"]);
  writeY4m(readFileSync(join(workdir, "camera.png")), y4m);
  await page.click("#camera");
  v = await verdict(page, "accepted", "camera-accepted.png");
  check(v.banner === "ACCEPTED", "camera flow: the page shows ACCEPTED");

  // 3. The same presentation scanned again: a replay.
  await page.click("#camera");
  v = await verdict(page, "rejected", "replay-rejected.png");
  check(v.banner === "REJECTED" && v.error === "replay", "replay: the page shows the replay rejection");
  check(outside.length === 0, `every asset comes from the service (${outside.join(", ")})`);
} finally {
  await browser.close();
}
const failed = checks.filter(([ok]) => !ok).length;
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
